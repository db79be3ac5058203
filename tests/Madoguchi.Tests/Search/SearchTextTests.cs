using System.Text;
using Madoguchi.Core.Search;
using Xunit;

namespace Madoguchi.Tests.Search;

public sealed class SearchTextTests
{
    /// <summary>The fast path (kana and ideographs copied as they are) must give what NFKC and lower case give: checked for
    /// every character it takes, and for every other character of those blocks that NFKC does change.</summary>
    [Fact]
    public void Fold_KanaAndIdeographs_SameAsNfkcLowerCase_ForEveryCharacterOfTheirBlocks()
    {
        var ranges = new[] { (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF) };
        var checkedCount = 0;
        foreach (var (from, to) in ranges)
        {
            for (var code = from; code <= to; code++)
            {
                var c = ((char)code).ToString();
                var expected = c.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
                if (expected.Any(char.IsWhiteSpace))
                    continue;
                Assert.Equal(expected, SearchText.Fold(c));
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 27_000);
    }

    [Fact]
    public void Fold_KanaFollowedByACombiningMark_ComposesThem() =>
        Assert.Equal("ガ", SearchText.Fold("カ\u3099"));

    [Fact]
    public void Fold_MixedText_WidthsCaseAndJapanese() =>
        Assert.Equal("請求書 abc123 カタカナ (株)", SearchText.Fold("請求書 ＡＢＣ１２３ ｶﾀｶﾅ ㈱"));
}
