using System.Globalization;
using Madoguchi.Core.Receiving;
using Madoguchi.Core.Receiving.Fetching;
using Microsoft.Extensions.Localization;

namespace Madoguchi.Web.Ui.Receiving;

/// <summary>Core gives receive errors in Japanese and English (<see cref="ReceiveErrors"/>); the UI picks the user's
/// language, and turns the steps of 接続テスト into plain words of the same language.</summary>
public static class ReceiveText
{
    public static bool IsJapanese => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "ja";

    public static string Pick(string ja, string en) => IsJapanese ? ja : en;

    public static string Of(ReceiveErrorText text) => Pick(text.Ja, text.En);

    /// <summary>The plain words of one test step. Failed steps carry a receive error's English text: it is looked up
    /// to show the same error in the user's language; anything unknown is shown as Core wrote it.</summary>
    public static string Step(IStringLocalizer<ReceivingStrings> r, ConnectionTestStep step)
    {
        if (!step.Ok)
        {
            if (step.Step == ConnectionSteps.Folders)
                return r["StepText_folder_missing"];
            var known = ReceiveErrors.KnownCodes.Select(ReceiveErrors.Describe).FirstOrDefault(t => t.En == step.Message);
            return known is null ? step.Message : Of(known);
        }
        return step.Step switch
        {
            ConnectionSteps.Tls when step.Detail == "security=none" => r["StepText_tls_none"],
            ConnectionSteps.Tls when step.Message.Contains("not checked", StringComparison.Ordinal) => r["StepText_tls_unchecked"],
            ConnectionSteps.MessageCount when long.TryParse(step.Detail, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) =>
                r["StepText_message_count", count.ToString("N0", CultureInfo.CurrentCulture)],
            _ => r["StepText_" + step.Step] is { ResourceNotFound: false } text ? text.Value : step.Message,
        };
    }

    /// <summary>A Core refusal in the user's language: "Error_{code}" of the receiving strings, then the English message.</summary>
    public static string Error(IStringLocalizer<ReceivingStrings> r, Madoguchi.Core.Common.Error error)
    {
        var text = r["Error_" + error.Code];
        return text.ResourceNotFound ? error.Message : text.Value;
    }
}
