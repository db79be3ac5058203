using Madoguchi.Core.Accounts.Users;

namespace Madoguchi.Tests.Accounts;

public sealed class UserRulesTests
{
    [Theory]
    [InlineData("taro")]
    [InlineData("Taro9")]
    [InlineData("t")]
    [InlineData("7")]
    [InlineData("taro.yamada")]
    [InlineData("taro-yamada")]
    [InlineData("taro_yamada")]
    [InlineData("a.b-c_d")]
    [InlineData("a..b")]
    [InlineData("山田")]
    [InlineData("やまだ.たろう")]
    public void CheckMentionName_LettersDigitsAndInnerSymbols_AreValid(string name) =>
        Assert.Null(UserRules.CheckMentionName(name));

    [Theory]
    [InlineData("")]
    [InlineData("-taro")]
    [InlineData("taro-")]
    [InlineData(".taro")]
    [InlineData("taro.")]
    [InlineData("_taro")]
    [InlineData("taro_")]
    [InlineData("-")]
    [InlineData("ta ro")]
    [InlineData("taro@example")]
    [InlineData("taro/yamada")]
    [InlineData("taro+1")]
    [InlineData("@taro")]
    public void CheckMentionName_OtherCharactersOrSymbolAtAnEnd_AreInvalid(string name) =>
        Assert.Equal("invalid_mention_name", UserRules.CheckMentionName(name)?.Code);

    [Fact]
    public void CheckMentionName_NoneIsAllowedAndMoreThan50IsNot()
    {
        Assert.Null(UserRules.CheckMentionName(null));
        Assert.Null(UserRules.CheckMentionName(new string('a', 50)));
        Assert.Equal("invalid_mention_name", UserRules.CheckMentionName(new string('a', 51))?.Code);
    }

    [Theory]
    [InlineData("taro@example.com")]
    [InlineData("taro.yamada+support@mail.example.co.jp")]
    public void CheckEmail_Addresses_AreValid(string email) => Assert.Null(UserRules.CheckEmail(email));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("taro")]
    [InlineData("taro@")]
    [InlineData("@example.com")]
    [InlineData("taro@localhost")]
    [InlineData("Taro Yamada <taro@example.com>")]
    [InlineData("taro@@example.com")]
    public void CheckEmail_NotAnAddress_IsInvalid(string? email) => Assert.Equal("invalid_email", UserRules.CheckEmail(email)?.Code);

    [Fact]
    public void CheckEmail_Over254Characters_IsInvalid() =>
        Assert.Equal("invalid_email", UserRules.CheckEmail(new string('a', 64) + "@" + new string('b', 186) + ".com")?.Code);

    [Fact]
    public void CheckPassword_From8To128Characters_IsValid()
    {
        Assert.Equal("password_too_short", UserRules.CheckPassword(null)?.Code);
        Assert.Equal("password_too_short", UserRules.CheckPassword("1234567")?.Code);
        Assert.Null(UserRules.CheckPassword("12345678"));
        Assert.Null(UserRules.CheckPassword(new string('p', 128)));
        Assert.Equal("password_too_long", UserRules.CheckPassword(new string('p', 129))?.Code);
    }

    [Fact]
    public void CheckNames_BothRequiredAndAtMost100()
    {
        Assert.Null(UserRules.CheckNames("山田", "花子"));
        Assert.Equal("name_required", UserRules.CheckNames("", "花子")?.Code);
        Assert.Equal("name_required", UserRules.CheckNames("山田", " ")?.Code);
        Assert.Equal("name_required", UserRules.CheckNames(null, null)?.Code);
        Assert.Null(UserRules.CheckNames(new string('x', 100), "花子"));
        Assert.Equal("name_too_long", UserRules.CheckNames(new string('x', 101), "花子")?.Code);
    }

    [Fact]
    public void CheckLanguage_OnlyJapaneseEnglishOrNone()
    {
        Assert.Null(UserRules.CheckLanguage(null));
        Assert.Null(UserRules.CheckLanguage("ja"));
        Assert.Null(UserRules.CheckLanguage("en"));
        Assert.Equal("invalid_language", UserRules.CheckLanguage("fr")?.Code);
        Assert.Equal("invalid_language", UserRules.CheckLanguage("JA")?.Code);
    }
}
