using System.Text.RegularExpressions;
using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>What makes a website chat channel valid: its look, its header, its availability and where its transcripts come from.</summary>
public static partial class ChatChannelRules
{
    public const int MaxWelcomeMessageLength = 1_000;

    public static void Check(Validation v, ChatChannel chat, string channelId, Inbox inbox, AccountDirectory directory)
    {
        v.Check(HexColour().IsMatch(chat.AccentColor), "accentColor", "The colour must be #RRGGBB.");
        v.Check(chat.WelcomeMessage.Trim().Length is > 0 and <= MaxWelcomeMessageLength, "welcomeMessage",
            $"The welcome message must be 1 to {MaxWelcomeMessageLength} characters.");

        var header = chat.Header;
        CheckHeaderMode(v, header, header.Mode, directory);
        if (header.Mode == ChatHeaderMode.ContactOwner)
        {
            v.Check(header.Fallback is ChatHeaderMode.SpecificUsers or ChatHeaderMode.Custom, "header.fallback",
                "With the contact owner, choose specific users or a custom name as the fallback.");
            if (header.Fallback is { } fallback and not ChatHeaderMode.ContactOwner) CheckHeaderMode(v, header, fallback, directory);
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

    private static void CheckHeaderMode(Validation v, ChatHeader header, ChatHeaderMode mode, AccountDirectory directory)
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

    /// <summary>The chat channel of the inbox that names this (e-mail) channel as its transcripts' sender, if any (enabled or not).</summary>
    public static Channel? TranscriptSenderOf(Inbox inbox, string channelId) =>
        inbox.Channels.FirstOrDefault(c => c.Id != channelId && c.Settings is ChatChannel chat && chat.Transcript.FromEmailChannelId == channelId);

    [GeneratedRegex(@"^#[0-9A-Fa-f]{6}\z")]
    private static partial Regex HexColour();
}
