namespace InboxServerless.Core.Domain;

/// <summary>
/// How the page may message a person. The Send API takes only these two: the tags <c>ACCOUNT_UPDATE</c>,
/// <c>CONFIRMED_EVENT_UPDATE</c> and <c>POST_PURCHASE_UPDATE</c> are refused by Meta and cannot be expressed here.
/// </summary>
public enum MessengerSendMode
{
    /// <summary><c>"messaging_type":"RESPONSE"</c>: within 24 hours of the person's last message.</summary>
    Response,

    /// <summary><c>"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT"</c>: a person replying up to 7 days after it.</summary>
    HumanAgent,
}
