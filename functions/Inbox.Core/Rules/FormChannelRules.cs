using InboxServerless.Core.Domain;

namespace InboxServerless.Core.Rules;

/// <summary>What makes a form channel valid: a form id that can name it.</summary>
public static class FormChannelRules
{
    public static void Check(Validation v, FormChannel form) =>
        v.Check(DirectoryRules.IsValidId(form.FormId), "formId", "The form id must be 1 to 128 letters, digits, '-', '_' or '.'.");
}
