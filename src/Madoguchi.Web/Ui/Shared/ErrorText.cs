using Madoguchi.Core.Common;
using Madoguchi.Web.Ui.Resources;
using Microsoft.Extensions.Localization;

namespace Madoguchi.Web.Ui.Shared;

/// <summary>Core refusals carry a stable code; the UI shows the translation of "Error_{code}", or the English
/// message when no translation exists yet.</summary>
public static class ErrorText
{
    public static string For(IStringLocalizer<Strings> l, Error error)
    {
        var text = l["Error_" + error.Code];
        return text.ResourceNotFound ? error.Message : text.Value;
    }
}
