using System.Net.Sockets;
using Madoguchi.Core.Receiving;
using Madoguchi.Core.Receiving.Fetching;
using MailKit;
using MailKit.Security;
using Microsoft.Extensions.Time.Testing;

namespace Madoguchi.Tests.Receiving;

public sealed class ReceivingRulesTests
{
    [Theory]
    [InlineData(SocketError.HostNotFound, ReceiveErrorCode.NameLookupFailed)]
    [InlineData(SocketError.ConnectionRefused, ReceiveErrorCode.ConnectionRefused)]
    [InlineData(SocketError.TimedOut, ReceiveErrorCode.TimedOut)]
    [InlineData(SocketError.ConnectionReset, ReceiveErrorCode.ConnectionLost)]
    public void Classify_SocketErrors_NameTheProblem(SocketError error, string expected) =>
        Assert.Equal(expected, ReceiveFailureClassifier.Classify(new SocketException((int)error)).Code);

    [Fact]
    public void Classify_AuthenticationException_IsAuthenticationFailed() =>
        Assert.Equal(ReceiveErrorCode.AuthenticationFailed, ReceiveFailureClassifier.Classify(new AuthenticationException("Authentication failed.")).Code);

    [Fact]
    public void Classify_PlaintextDisallowed_IsTlsRequired() =>
        Assert.Equal(ReceiveErrorCode.TlsRequired, ReceiveFailureClassifier.Classify(new AuthenticationException("Plaintext authentication disallowed on non-secure (SSL/TLS) connections.")).Code);

    [Fact]
    public void Classify_FolderNotFound_IsFolderMissing() =>
        Assert.Equal(ReceiveErrorCode.FolderMissing, ReceiveFailureClassifier.Classify(new FolderNotFoundException("Support")).Code);

    [Fact]
    public void Classify_DroppedConnection_IsConnectionLost() =>
        Assert.Equal(ReceiveErrorCode.ConnectionLost, ReceiveFailureClassifier.Classify(new ServiceNotConnectedException("gone")).Code);

    [Fact]
    public void Describe_EveryCode_HasJapaneseAndEnglish()
    {
        foreach (var code in ReceiveErrors.KnownCodes)
        {
            var text = ReceiveErrors.Describe(code);
            Assert.False(string.IsNullOrWhiteSpace(text.Ja));
            Assert.False(string.IsNullOrWhiteSpace(text.En));
        }
        Assert.Equal(ReceiveErrors.Describe(ReceiveErrorCode.Unknown).En, ReceiveErrors.Describe("no_such_code").En);
    }

    [Fact]
    public void DeletePolicy_FourteenDays_DueOnlyAfterTheTimePasses()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        var stored = clock.GetUtcNow().UtcDateTime;
        clock.Advance(TimeSpan.FromDays(13.99));
        var before = Pop3DeletePolicy.IsDue(true, 14, stored, clock.GetUtcNow().UtcDateTime);
        clock.Advance(TimeSpan.FromDays(0.02));
        var after = Pop3DeletePolicy.IsDue(true, 14, stored, clock.GetUtcNow().UtcDateTime);
        Assert.False(before);
        Assert.True(after);
    }

    [Theory]
    [InlineData(true, 0, true)]
    [InlineData(true, null, false)]
    [InlineData(false, null, true)]
    [InlineData(false, 30, true)]
    public void DeletePolicy_Settings_DecideAtOnceOrNever(bool leave, int? days, bool dueAtOnce)
    {
        var now = DateTime.UtcNow;
        Assert.Equal(dueAtOnce, Pop3DeletePolicy.IsDue(leave, days, now, now));
    }

    [Fact]
    public void BatchPlanner_SplitsByCountAndBytes_KeepsOrder()
    {
        var sizes = new long[] { 10, 10, 10, 100, 10, 10, 10, 10 };
        var batches = BatchPlanner.Plan(Enumerable.Range(0, sizes.Length), i => sizes[i], maxCount: 3, maxBytes: 50).ToList();
        Assert.Equal([[0, 1, 2], [3], [4, 5, 6], [7]], batches.Select(b => b.ToArray()).ToArray());
    }

    [Fact]
    public void BatchPlanner_OneMessageLargerThanTheLimit_GetsABatchOfItsOwn()
    {
        var batches = BatchPlanner.Plan(new[] { 500L, 1, 1 }, s => s, maxCount: 10, maxBytes: 100).ToList();
        Assert.Equal(2, batches.Count);
        Assert.Single(batches[0]);
    }
}
