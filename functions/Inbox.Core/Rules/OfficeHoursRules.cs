using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>Whether a chat is within its office hours, in the inbox's time zone (daylight saving included).</summary>
public static class OfficeHoursRules
{
    public static bool IsOpen(IReadOnlyList<OpeningHours> hours, TimeZoneInfo zone, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var day = local.DayOfWeek;
        var time = TimeOnly.FromDateTime(local.DateTime);
        // By index: a foreach over the interface would box the list's enumerator on every check.
        for (var i = 0; i < hours.Count; i++)
        {
            var interval = hours[i];
            if (interval.Day == day && time >= interval.Start && (interval.End == TimeOnly.MinValue || time < interval.End))
                return true;
        }

        return false;
    }

    /// <summary>A header names more than three users: three of them are shown, chosen at random.</summary>
    public static IReadOnlyList<string> HeaderUsersToShow(IReadOnlyList<string> userIds, Random random) =>
        userIds.Count <= 3 ? userIds : [.. userIds.OrderBy(_ => random.Next()).Take(3)];
}
