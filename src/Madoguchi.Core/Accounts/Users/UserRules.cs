using System.Text.RegularExpressions;
using Madoguchi.Core.Common;

namespace Madoguchi.Core.Accounts.Users;

/// <summary>Field rules of the user form (ユーザ追加), shared by the UI and the API.</summary>
public static partial class UserRules
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    public static Error? CheckNames(string? familyName, string? givenName)
    {
        if (string.IsNullOrWhiteSpace(familyName) || string.IsNullOrWhiteSpace(givenName))
            return new Error(ErrorKind.Invalid, "name_required", "Family name and given name are required.");
        if (familyName.Length > 100 || givenName.Length > 100)
            return new Error(ErrorKind.Invalid, "name_too_long", "Names can be at most 100 characters.");
        return null;
    }

    /// <summary>Letters, digits, '-', '_' and '.', not starting or ending with a symbol (the @name used in mentions).</summary>
    public static Error? CheckMentionName(string? mentionName)
    {
        if (mentionName is null)
            return null;
        if (mentionName.Length > 50 || !MentionPattern().IsMatch(mentionName))
            return new Error(ErrorKind.Invalid, "invalid_mention_name",
                "A mention name may use letters, digits, '-', '_' and '.', and must start and end with a letter or digit.");
        return null;
    }

    public static Error? CheckPassword(string? password)
    {
        if (password is null || password.Length < MinPasswordLength)
            return new Error(ErrorKind.Invalid, "password_too_short", $"The password must have at least {MinPasswordLength} characters.");
        if (password.Length > MaxPasswordLength)
            return new Error(ErrorKind.Invalid, "password_too_long", $"The password can have at most {MaxPasswordLength} characters.");
        return null;
    }

    public static Error? CheckEmail(string? email) =>
        Emails.IsValid(email) ? null : new Error(ErrorKind.Invalid, "invalid_email", "Enter a valid email address, e.g. taro@example.com.");

    public static Error? CheckLanguage(string? language) =>
        language is null or "ja" or "en" ? null : new Error(ErrorKind.Invalid, "invalid_language", "Language must be \"ja\" or \"en\".");

    [GeneratedRegex(@"^[\p{L}\p{N}]([\p{L}\p{N}._-]*[\p{L}\p{N}])?$")]
    private static partial Regex MentionPattern();
}
