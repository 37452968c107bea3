namespace InboxServerless.Core.Ports;

/// <summary>A Slack post that went out, or failed for good (<see cref="Failure"/>: why; not worth trying again).</summary>
public sealed record SlackPostResult(string? Failure)
{
    public static readonly SlackPostResult Sent = new((string?)null);

    public bool IsSent => Failure is null;
}

/// <summary>Posts a line to a Slack incoming webhook.</summary>
public interface ISlackNotifier
{
    /// <returns>Sent, or a permanent failure (Slack refused the post, or the address is not one the app may reach).</returns>
    /// <exception cref="Exception">A transient failure (Slack's 5xx or 429, a timeout, no connection): try again later.</exception>
    Task<SlackPostResult> Post(string webhookUrl, string text, CancellationToken ct);
}
