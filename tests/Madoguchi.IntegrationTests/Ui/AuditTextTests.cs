using System.Globalization;
using System.Resources;
using Madoguchi.Core.Audit;
using Madoguchi.Web.Ui.Resources;

namespace Madoguchi.IntegrationTests.Ui;

/// <summary>The audit log page names every action through <c>Audit_{action}</c>; an action without its text would show
/// the raw key to the people reading the log (and in the page's filter list).</summary>
public class AuditTextTests
{
    private static readonly ResourceManager Texts = new("Madoguchi.Web.Ui.Resources.Strings", typeof(Strings).Assembly);

    public static TheoryData<string> Cultures => new() { "en", "ja" };

    [Theory, MemberData(nameof(Cultures))]
    public void EveryAuditAction_HasItsOwnTextInEachLanguage(string culture)
    {
        var own = Texts.GetResourceSet(culture == "en" ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(culture), createIfNotExists: true, tryParents: false)!;

        var missing = Enum.GetNames<AuditAction>().Where(a => string.IsNullOrWhiteSpace(own.GetString("Audit_" + a))).ToList();

        Assert.Empty(missing);
    }
}
