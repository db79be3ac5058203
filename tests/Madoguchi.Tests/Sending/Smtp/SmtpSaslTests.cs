using Madoguchi.Core.Sending.Smtp;

namespace Madoguchi.Tests.Sending.Smtp;

/// <summary>The sign-in answers, against the examples of their RFCs.</summary>
public class SmtpSaslTests
{
    [Fact]
    public void CramMd5_AnswersRfc2195sExample()
    {
        // RFC 2195 section 2: user "tim", secret "tanstaaftanstaaf", challenge <1896.697170952@postoffice.reston.mci.net>.
        var answer = SmtpSasl.CramMd5("tim", "tanstaaftanstaaf", "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+");

        Assert.Equal("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw", answer);
    }

    [Fact]
    public void Plain_IsEmptyAuthorizationThenUserAndPassword()
    {
        Assert.Equal("AHRpbQB0YW5zdGFhZnRhbnN0YWFm", SmtpSasl.Plain("tim", "tanstaaftanstaaf"));
    }

    [Fact]
    public void CramMd5_RefusesAChallengeThatIsNotBase64() =>
        Assert.Throws<FormatException>(() => SmtpSasl.CramMd5("tim", "x", "not base64!"));
}
