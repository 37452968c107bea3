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
}
