using System.Text.RegularExpressions;
using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>What makes a channel's settings valid within its inbox and account.</summary>
public static partial class ChannelRules
{
    public const int MaxSignatureLength = 10_000;
    public const int MaxWelcomeMessageLength = 1_000;

    /// <summary>Facebook shows at most 160 characters of a page greeting.</summary>
    public const int MaxGreetingLength = 160;

    /// <summary>Messenger's Send API accepts at most 2,000 characters of text.</summary>
    public const int MaxMessengerText = 2_000;

    public static readonly IReadOnlySet<string> SignatureTokens = new HashSet<string> { "fullName", "firstName" };

    /// <param name="channelId">The channel's id, to tell it apart from the inbox's other channels.</param>
    public static Validation Validate(ChannelSettings settings, string channelId, Inbox inbox, AccountDirectory directory)
    {
        var v = new Validation();
        ValidateRouting(v, settings.Routing, directory);
        switch (settings)
        {
            case EmailChannel email: ValidateEmail(v, email, directory); break;
            case ChatChannel chat: ValidateChat(v, chat, channelId, inbox, directory); break;
            case MessengerChannel messenger: ValidateMessenger(v, messenger); break;
            case FormChannel form:
                v.Check(DirectoryRules.IsValidId(form.FormId), "formId", "The form id must be 1 to 128 letters, digits, '-', '_' or '.'.");
                break;
        }

        return v;
    }

    private static void ValidateRouting(Validation v, Routing routing, AccountDirectory directory)
    {
        var assignment = routing.Assignment;
        if (assignment.Mode == AssignmentMode.Specific)
        {
            v.Check(assignment.UserIds.Count + assignment.TeamIds.Count > 0, "routing.assignment",
                "Specific assignment needs at least one user or team.");
            DirectoryRules.CheckUsers(v, "routing.assignment.userIds", assignment.UserIds, directory);
            DirectoryRules.CheckTeams(v, "routing.assignment.teamIds", assignment.TeamIds, directory);
            foreach (var id in assignment.UserIds.Where(id => directory.FindUser(id) is { HasPaidSeat: false }))
                v.Add("routing.assignment.userIds", $"User '{id}' has no paid seat and cannot be auto-assigned.");
        }
        else
        {
            v.Check(assignment.UserIds.Count + assignment.TeamIds.Count == 0, "routing.assignment",
                "Users and teams apply only to specific assignment.");
        }

        if (routing.Tickets is { } tickets)
        {
            v.Check(!string.IsNullOrWhiteSpace(tickets.Pipeline), "routing.tickets.pipeline", "The pipeline must not be empty.");
            v.Check(!string.IsNullOrWhiteSpace(tickets.Status), "routing.tickets.status", "The status must not be empty.");
            if (tickets.OwnerId is { } owner)
                DirectoryRules.CheckUsers(v, "routing.tickets.ownerId", [owner], directory);
        }
    }

    private static void ValidateEmail(Validation v, EmailChannel email, AccountDirectory directory)
    {
        v.Check(InboxRules.IsEmailAddress(email.Address), "address", "Not an e-mail address.");
        v.Check(!directory.Users.Any(u => string.Equals(u.Email, email.Address.Trim(), StringComparison.OrdinalIgnoreCase)),
            "address", "This address is a user's personal e-mail; a team e-mail must be an address of its own.");
        if (email.Provider == EmailProvider.Office365)
            v.Check(email.FromName is null, "fromName", "A from-name is not available for Office 365: mail is sent as the mailbox. Leave fromName out.");
        else if (email.FromName is not { } fromName)
            v.Add("fromName", "Give the name replies are sent from: {\"format\":\"companyOnly\",\"companyName\":…}.");
        else
        {
            v.Check(!string.IsNullOrWhiteSpace(fromName.CompanyName), "fromName.companyName", "The company name must not be empty.");
            v.CheckCharacters("fromName.companyName", fromName.CompanyName);
        }

        v.Check(email.Signature.Length <= MaxSignatureLength, "signature", $"At most {MaxSignatureLength} characters.");
        foreach (var token in SignatureTokensIn(email.Signature).Where(t => !SignatureTokens.Contains(t)))
            v.Add("signature", $"Unknown token '{{{{{token}}}}}'; use {{{{fullName}}}} or {{{{firstName}}}}.");
    }

    private static void ValidateChat(Validation v, ChatChannel chat, string channelId, Inbox inbox, AccountDirectory directory)
    {
        v.Check(HexColour().IsMatch(chat.AccentColor), "accentColor", "The colour must be #RRGGBB.");
        v.Check(chat.WelcomeMessage.Trim().Length is > 0 and <= MaxWelcomeMessageLength, "welcomeMessage",
            $"The welcome message must be 1 to {MaxWelcomeMessageLength} characters.");

        var header = chat.Header;
        ValidateHeaderMode(v, header, header.Mode, directory);
        if (header.Mode == ChatHeaderMode.ContactOwner)
        {
            v.Check(header.Fallback is ChatHeaderMode.SpecificUsers or ChatHeaderMode.Custom, "header.fallback",
                "With the contact owner, choose specific users or a custom name as the fallback.");
            if (header.Fallback is { } fallback and not ChatHeaderMode.ContactOwner) ValidateHeaderMode(v, header, fallback, directory);
        }

        var availability = chat.Availability;
        if (availability.Mode == AvailabilityMode.OfficeHours)
        {
            v.Check(availability.OfficeHours.Count > 0, "availability.officeHours", "Office hours need at least one interval.");
            for (var i = 0; i < availability.OfficeHours.Count; i++)
            {
                var hours = availability.OfficeHours[i];
                v.Check(hours.End == TimeOnly.MinValue || hours.End > hours.Start, $"availability.officeHours[{i}]",
                    "The end must be after the start (00:00 means midnight).");
            }

            v.Check(availability.OutsideHours != OutsideHoursBehaviour.AwayMessage || !string.IsNullOrWhiteSpace(availability.AwayMessage),
                "availability.awayMessage", "Outside hours shows an away message: write one.");
        }
        else
        {
            v.Check(availability.OfficeHours.Count == 0, "availability.officeHours", "Office hours apply only to office-hours availability.");
        }

        if (chat.Transcript.Enabled)
        {
            var from = chat.Transcript.FromEmailChannelId;
            v.Check(from is not null && from != channelId && inbox.FindChannel(from)?.Settings is EmailChannel,
                "transcript.fromEmailChannelId", "Transcripts are sent from a team e-mail channel connected to this inbox.");
        }
    }

    private static void ValidateHeaderMode(Validation v, ChatHeader header, ChatHeaderMode mode, AccountDirectory directory)
    {
        if (mode == ChatHeaderMode.SpecificUsers)
        {
            v.Check(header.UserIds.Count > 0, "header.userIds", "Name at least one user to show.");
            DirectoryRules.CheckUsers(v, "header.userIds", header.UserIds, directory);
        }
        else if (mode == ChatHeaderMode.Custom)
        {
            v.Check(header.Name?.Trim().Length is > 0 and <= 100, "header.name", "A custom header needs a name of 1 to 100 characters.");
            v.CheckCharacters("header.name", header.Name);
            v.Check(header.AvatarUrl is null || InboxRules.IsHttpsUrl(header.AvatarUrl), "header.avatarUrl", "Must be an absolute https URL.");
        }
    }

    private static void ValidateMessenger(Validation v, MessengerChannel messenger)
    {
        v.Check(messenger.PageId.Length is > 0 and <= 32 && messenger.PageId.All(char.IsAsciiDigit), "pageId", "A page id is a number.");
        v.Check(messenger.PageName.Trim().Length is > 0 and <= 200, "pageName", "The page name must be 1 to 200 characters.");
        v.CheckCharacters("pageName", messenger.PageName);
        v.Check(messenger.Greeting is null || messenger.Greeting.Length <= MaxGreetingLength, "greeting",
            $"A greeting is at most {MaxGreetingLength} characters.");
        var reply = messenger.InstantReply;
        v.Check(!reply.Enabled || reply.Text?.Trim().Length is > 0 and <= MaxMessengerText, "instantReply.text",
            $"An instant reply needs a text of 1 to {MaxMessengerText} characters.");
        var consent = messenger.Consent;
        v.Check(consent.Mode != ConsentMode.Explicit || consent.Text?.Trim().Length is > 0 and <= MaxMessengerText, "consent.text",
            $"Explicit consent needs a text of 1 to {MaxMessengerText} characters.");
        // The implicit notice is sent with the instant reply, so it must fit a message too.
        v.Check(consent.Mode != ConsentMode.Implicit || consent.Text is null || consent.Text.Length <= MaxMessengerText, "consent.text",
            $"A consent text is at most {MaxMessengerText} characters.");
    }

    /// <summary>The chat channel of the inbox that names this (e-mail) channel as its transcripts' sender, if any (enabled or not).</summary>
    public static Channel? TranscriptSenderOf(Inbox inbox, string channelId) =>
        inbox.Channels.FirstOrDefault(c => c.Id != channelId && c.Settings is ChatChannel chat && chat.Transcript.FromEmailChannelId == channelId);

    /// <summary>Channel settings that identify the channel outside and so cannot change once connected.</summary>
    public static Validation ValidateChange(ChannelSettings current, ChannelSettings next, string channelId)
    {
        var v = new Validation();
        v.Check(current.Kind == next.Kind, "kind", "A channel's kind cannot change; disconnect it and connect a new one.");
        v.Check(current.Kind != next.Kind || current.BindingKey(channelId).Value == next.BindingKey(channelId).Value, current switch
        {
            EmailChannel => "address",
            MessengerChannel => "pageId",
            FormChannel => "formId",
            _ => "kind",
        }, "The external id of a connected channel cannot change; disconnect it and connect a new one.");
        return v;
    }

    public static IEnumerable<string> SignatureTokensIn(string signature) =>
        SignatureToken().Matches(signature).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"^#[0-9A-Fa-f]{6}\z")]
    private static partial Regex HexColour();

    [GeneratedRegex(@"\{\{\s*([^}\s]*)\s*\}\}")]
    private static partial Regex SignatureToken();
}
