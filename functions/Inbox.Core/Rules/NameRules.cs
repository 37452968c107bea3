using System.Globalization;
using System.Text;
using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>
/// Names people give things (inboxes, teams, users, pages, companies, chat headers): what makes two of them the same
/// name, and which characters no name may hold.
/// </summary>
public static class NameRules
{
    /// <summary>
    /// The form two names are compared in: what looks alike is alike. NFKC (full-width and compatibility forms to their
    /// plain letters, a letter and its accent to the composed letter), format characters (zero-width space and joiner,
    /// BOM, direction marks) removed, any run of white space one space, trimmed, a combining mark left over a Latin
    /// letter or digit after composing removed (it composes with nothing, so it is a look-alike, not another letter),
    /// then case folded. Upper case at the end, as keys were before, so a plain name keeps the key it had.
    /// </summary>
    public static string Key(string name)
    {
        var text = name.Normalize(NormalizationForm.FormKC);
        var key = new StringBuilder(text.Length);
        var pendingSpace = false;
        var previousBase = '\0';
        foreach (var c in text)
        {
            var category = char.GetUnicodeCategory(c);
            if (category == UnicodeCategory.Format) continue;
            if (char.IsWhiteSpace(c) || category == UnicodeCategory.SpaceSeparator)
            {
                pendingSpace = key.Length > 0;
                previousBase = ' ';
                continue;
            }

            // Marks of scripts that need them (Thai, Devanagari, Hebrew points…) are kept: there they make another word.
            if (category == UnicodeCategory.NonSpacingMark && previousBase < '\u0250') continue;
            if (pendingSpace) key.Append(' ');
            pendingSpace = false;
            key.Append(c);
            if (category != UnicodeCategory.NonSpacingMark) previousBase = c;
        }

        // Lower then upper: closer to a case fold than either alone (final sigma, Kelvin sign and the like meet).
        return key.ToString().ToLowerInvariant().ToUpperInvariant().Normalize(NormalizationForm.FormKC);
    }

    /// <summary>
    /// Control characters (NUL, ESC, new lines…) and the bidirectional overrides and isolates, which make a name read
    /// otherwise than it is stored, are refused in every name.
    /// </summary>
    public static bool HasForbiddenCharacter(string name) =>
        name.Any(c => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069');

    /// <summary>Adds the error for a name with a forbidden character, naming the field.</summary>
    public static Validation CheckCharacters(this Validation v, string field, string? name) =>
        v.Check(name is null || !HasForbiddenCharacter(name), field,
            "A name may not hold control characters or bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069).");
}
