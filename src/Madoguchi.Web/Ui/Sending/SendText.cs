using Madoguchi.Core.Sending;
using Madoguchi.Web.Ui.Receiving;
using Microsoft.Extensions.Localization;

namespace Madoguchi.Web.Ui.Sending;

/// <summary>Send errors come from Core in Japanese and English (<see cref="SendErrors"/>); the UI picks the user's language
/// and turns the steps of テスト送信 and Core's refusals into words of the same language.</summary>
public static class SendText
{
    public static string Of(SendErrorView error) => ReceiveText.Pick(error.Ja, error.En);

    /// <summary>A failed step shows its send error's explanation; a passed one the plain words of "StepText_{step}".</summary>
    public static string Step(IStringLocalizer<SendingStrings> s, SendTestStep step)
    {
        if (!step.Ok)
            return step.Error is { } error ? Of(error) : step.Message;
        if (step.Step == SendTestSteps.Auth && step.Detail == "none")
            return s["StepText_auth_none"];
        return s["StepText_" + step.Step] is { ResourceNotFound: false } text ? text.Value : step.Message;
    }

    public static string StepName(IStringLocalizer<SendingStrings> s, string step) =>
        s["Step_" + step] is { ResourceNotFound: false } name ? name.Value : step;

    /// <summary>A Core refusal in the user's language: "Error_{code}" of the sending strings, then Core's own message.</summary>
    public static string Error(IStringLocalizer<SendingStrings> s, Madoguchi.Core.Common.Error error)
    {
        var text = s["Error_" + error.Code];
        return text.ResourceNotFound ? error.Message : text.Value;
    }

    /// <summary>"Name &lt;address&gt;" or the address alone.</summary>
    public static string Label(string displayName, string address) =>
        string.IsNullOrWhiteSpace(displayName) ? address : $"{displayName} <{address}>";
}
