using System.Text;
using Madoguchi.Core.Operators.TwoFactor;

namespace Madoguchi.Tests.Operators;

public sealed class TotpTests
{
    /// <summary>RFC 6238 appendix B's SHA-1 key: the ASCII bytes of "12345678901234567890".</summary>
    private static readonly byte[] RfcKey = Encoding.ASCII.GetBytes("12345678901234567890");

    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Code_Rfc6238TestVectors_MatchForSha1(long unixSeconds, string expected)
    {
        var step = Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        Assert.Equal(expected, Totp.Code(RfcKey, step, digits: 8));
        // Authenticator apps show six digits: the same number's last six.
        Assert.Equal(expected[2..], Totp.Code(RfcKey, step));
    }

    [Fact]
    public void Match_AcceptsOneStepEitherSide_AndNothingFurther()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1234567890);
        var step = Totp.StepAt(now);

        Assert.Equal(step, Totp.Match(RfcKey, Totp.Code(RfcKey, step), now, null));
        Assert.Equal(step - 1, Totp.Match(RfcKey, Totp.Code(RfcKey, step - 1), now, null));
        Assert.Equal(step + 1, Totp.Match(RfcKey, Totp.Code(RfcKey, step + 1), now, null));
        Assert.Null(Totp.Match(RfcKey, Totp.Code(RfcKey, step - 2), now, null));
        Assert.Null(Totp.Match(RfcKey, Totp.Code(RfcKey, step + 2), now, null));
    }

    [Fact]
    public void Match_UsedStepOrEarlier_IsRefused()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1234567890);
        var step = Totp.StepAt(now);
        var code = Totp.Code(RfcKey, step);

        Assert.Null(Totp.Match(RfcKey, code, now, lastUsedStep: step));
        Assert.Null(Totp.Match(RfcKey, Totp.Code(RfcKey, step - 1), now, lastUsedStep: step));
        Assert.Equal(step + 1, Totp.Match(RfcKey, Totp.Code(RfcKey, step + 1), now, lastUsedStep: step));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("abcdef")]
    public void Match_NotSixDigits_IsRefused(string code) =>
        Assert.Null(Totp.Match(RfcKey, code, DateTimeOffset.FromUnixTimeSeconds(59), null));

    [Fact]
    public void Match_SpacesBetweenDigits_AreIgnored()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(59);
        var code = Totp.Code(RfcKey, Totp.StepAt(now));

        Assert.NotNull(Totp.Match(RfcKey, $"{code[..3]} {code[3..]}", now, null));
    }

    [Fact]
    public void Base32_RoundTripsAndMatchesRfc4648()
    {
        // RFC 4648 section 10 ("foobar" → MZXW6YTBOI======), written without padding as authenticator apps take it.
        Assert.Equal("MZXW6YTBOI", Base32.Encode(Encoding.ASCII.GetBytes("foobar")));
        Assert.Equal("foobar", Encoding.ASCII.GetString(Base32.Decode("mzxw6ytboi======")));
        var secret = Totp.NewSecret();
        Assert.Equal(secret, Base32.Decode(Base32.Encode(secret)));
    }

    [Fact]
    public void EnrolmentUri_NamesIssuerAccountAndSecret()
    {
        var uri = Totp.EnrolmentUri("Madoguchi", "ops@example.com", Encoding.ASCII.GetBytes("foobar"));

        Assert.Equal("otpauth://totp/Madoguchi:ops%40example.com?secret=MZXW6YTBOI&issuer=Madoguchi&algorithm=SHA1&digits=6&period=30", uri);
    }

    [Fact]
    public void RecoveryCodes_AreTenDistinctAndHashIgnoresCaseAndHyphen()
    {
        var codes = RecoveryCodes.New();

        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[a-z2-9]{5}-[a-z2-9]{5}$", c));
        Assert.Equal(RecoveryCodes.Hash(codes[0]), RecoveryCodes.Hash(codes[0].Replace("-", "", StringComparison.Ordinal).ToUpperInvariant()));
        Assert.False(RecoveryCodes.IsAuthenticatorCode(codes[0]));
        Assert.True(RecoveryCodes.IsAuthenticatorCode("123 456"));
    }
}
