using System.Text;
using Madoguchi.Core.Sending;

namespace Madoguchi.Tests.Sending;

/// <summary>VERP addresses: made, too long, and found again in the headers a bounce arrives with.</summary>
public class VerpTests
{
    [Fact]
    public void NewToken_Is26LowerCaseBase32Characters_AndDiffersEachTime()
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => Verp.NewToken()).ToList();

        Assert.All(tokens, t => Assert.Matches("^[a-z2-7]{26}$", t));
        Assert.Equal(100, tokens.Distinct().Count());
    }

    [Fact]
    public void Address_PutsTheTokenAfterThePlusTag_AndRefusesALocalPartOver64()
    {
        var token = Verp.NewToken();

        Assert.Equal($"support+m-{token}@example.co.jp", Verp.Address("support@example.co.jp", token));
        Assert.Equal(token, Verp.TokenOf($"SUPPORT+M-{token.ToUpperInvariant()}@EXAMPLE.CO.JP"));
        Assert.Null(Verp.Address(new string('a', 36) + "@example.co.jp", token));
        Assert.NotNull(Verp.Address(new string('a', 35) + "@example.co.jp", token));
        Assert.Null(Verp.TokenOf("support+m-short@example.co.jp"));
    }

    [Fact]
    public void TokensIn_ReadsDeliveredToOriginalToAndFoldedTo_NotTheBody()
    {
        var a = Verp.NewToken();
        var b = Verp.NewToken();
        var c = Verp.NewToken();
        var mail = $"""
            Return-Path: <>
            Delivered-To: support+m-{a}@example.co.jp
            X-Original-To: support+m-{b}@example.co.jp
            To: "Support"
             <support+m-{c}@example.co.jp>
            Subject: Undelivered Mail Returned to Sender
            X-Other: support+m-{Verp.NewToken()}@example.co.jp

            Reply to support+m-{Verp.NewToken()}@example.co.jp
            """.ReplaceLineEndings("\r\n");

        Assert.Equal([a, b, c], Verp.TokensIn(Encoding.ASCII.GetBytes(mail)));
    }
}
