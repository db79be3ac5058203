using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Storage;
using Madoguchi.Testing.App;
using Madoguchi.Web.Cli;
using Microsoft.EntityFrameworkCore;
using static Madoguchi.IntegrationTests.Storage.StorageTestData;
using static Madoguchi.Testing.App.InboundMail;

namespace Madoguchi.IntegrationTests.Storage;

/// <summary>Storage use (容量) as the customer thinks of it: every original once per account, whatever the duplicates;
/// the warning banner's threshold; receiving over the limit; the recount command; the operator's disk view.</summary>
public sealed class StorageUseTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SameOriginal_InTwoInboxes_Reprocessed_CountedOncePerAccount_UntilItsLastMessageIsDeleted(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var other = await app.CreateAccountAsync();
        var first = await account.CreateInboxAsync();
        var second = await account.CreateInboxAsync();
        var elsewhere = await other.CreateInboxAsync();
        var bytes = System.Text.Encoding.UTF8.GetBytes(Eml(Id()).ReplaceLineEndings("\r\n"));
        var small = System.Text.Encoding.UTF8.GetBytes(Eml(Id(), body: "別の本文").ReplaceLineEndings("\r\n"));

        var inFirst = await app.ReceiveAsync(first.Id, bytes);
        var inSecond = await app.ReceiveAsync(second.Id, bytes);
        await app.ReceiveAsync(elsewhere.Id, bytes);
        await app.ReceiveAsync(first.Id, small);
        var reprocess = await AdminCommandLine.Parse(["messages", "reprocess"])!.RunAsync(app.Services, TextReader.Null, TextWriter.Null, TextWriter.Null);

        Assert.Equal(0, reprocess);
        Assert.Equal((bytes.LongLength + small.LongLength, 2L), await UsageAsync(app, account.Id));
        Assert.Equal((bytes.LongLength, 1L), await UsageAsync(app, other.Id));

        var owner = await account.SignInOwnerAsync();
        (await owner.DeleteAsync($"/api/v1/tickets/{inFirst.TicketId}")).EnsureSuccessStatusCode();
        // The second inbox still holds the same original: still counted, once.
        Assert.Equal((bytes.LongLength + small.LongLength, 2L), await UsageAsync(app, account.Id));
        (await owner.DeleteAsync($"/api/v1/tickets/{inSecond.TicketId}")).EnsureSuccessStatusCode();
        Assert.Equal((small.LongLength, 1L), await UsageAsync(app, account.Id));
        Assert.Equal((bytes.LongLength, 1L), await UsageAsync(app, other.Id));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Banner_ExactlyAtThreshold_None_OneByteUnder_LowForEveryUser_OverLimit_Red(DatabaseProvider provider)
    {
        // 500 MB: 10% is 50 MB, so the 100 MB minimum is the threshold.
        await using var app = await MadoguchiApp.StartAsync(provider, StorageLimitMb(500));
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        await app.ReceiveAsync(inbox.Id, Eml(Id()));
        var owner = await account.SignInOwnerAsync();
        var member = await account.AddActiveUserAsync(owner);
        var memberClient = await app.SignInAsync(member.Email);
        const long limit = 500 * Mb, threshold = 100 * Mb;

        await SetUsedAsync(app, account.Id, limit - threshold);
        var atThreshold = await StatusAsync(owner);
        var pageAtThreshold = await owner.GetStringAsync("/inboxes");
        await SetUsedAsync(app, account.Id, limit - threshold + 1);
        var under = await StatusAsync(owner);
        var ownerPage = await owner.GetStringAsync($"/inboxes/{inbox.Id}");
        var memberPage = await memberClient.GetStringAsync("/inboxes");
        await SetUsedAsync(app, account.Id, limit);
        var full = await StatusAsync(memberClient);
        await SetUsedAsync(app, account.Id, limit + 1);
        var over = await StatusAsync(memberClient);
        var overPage = await memberClient.GetStringAsync("/inboxes");

        Assert.Equal("ok", atThreshold["level"]!.GetValue<string>());
        Assert.Equal(threshold, atThreshold["thresholdBytes"]!.GetValue<long>());
        Assert.DoesNotContain("data-testid=\"storage-banner\"", pageAtThreshold, StringComparison.Ordinal);
        Assert.Equal("low", under["level"]!.GetValue<string>());
        Assert.Equal(99, under["remainingMb"]!.GetValue<long>());
        Assert.Contains("data-level=\"low\"", ownerPage, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"storage-request\"", ownerPage, StringComparison.Ordinal);
        Assert.Contains("data-guide=\"storage-full\"", ownerPage, StringComparison.Ordinal);
        Assert.Contains("data-level=\"low\"", memberPage, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"storage-request\"", memberPage, StringComparison.Ordinal);
        Assert.Equal("low", full["level"]!.GetValue<string>());
        Assert.Equal("over", over["level"]!.GetValue<string>());
        Assert.Equal(-1, over["remainingMb"]!.GetValue<long>());
        Assert.Contains("data-level=\"over\"", overPage, StringComparison.Ordinal);
    }

    [Fact]
    public void Threshold_IsTheLargerOfTenPercentAndOneHundredMegabytes()
    {
        var defaults = new StorageUseOptions();
        Assert.Equal(1024 * Mb / 10, StorageStatus.For(0, 1024 * Mb, defaults).ThresholdBytes);
        Assert.Equal(100 * Mb, StorageStatus.For(0, 999 * Mb, defaults).ThresholdBytes);
        Assert.Equal(StorageLevel.Ok, StorageStatus.For(1024 * Mb - 1024 * Mb / 10, 1024 * Mb, defaults).Level);
        Assert.Equal(StorageLevel.Low, StorageStatus.For(1024 * Mb - 1024 * Mb / 10 + 1, 1024 * Mb, defaults).Level);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task MailReceived_WhileOverTheLimit_IsStoredAndCounted(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, StorageLimitMb(1));
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        var big = WithAttachment(Id(), new byte[(int)Mb + 1]);
        await app.ReceiveAsync(inbox.Id, big);
        Assert.Equal("over", (await StatusAsync(owner))["level"]!.GetValue<string>());
        var next = System.Text.Encoding.UTF8.GetBytes(Eml(Id(), subject: "容量超過中").ReplaceLineEndings("\r\n"));

        var location = await app.ReceiveAsync(inbox.Id, next);

        var ticket = await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{location.TicketId}");
        Assert.Equal("容量超過中", ticket!["subject"]!.GetValue<string>());
        Assert.Equal((big.LongLength + next.LongLength, 2L), await UsageAsync(app, account.Id));
        Assert.Equal("over", (await StatusAsync(owner))["level"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task StorageVerify_FindsHandMadeDrift_FixRepairsIt_AndSaysSoInTheAuditLog(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var clean = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var cleanInbox = await clean.CreateInboxAsync();
        var one = System.Text.Encoding.UTF8.GetBytes(Eml(Id()).ReplaceLineEndings("\r\n"));
        var two = System.Text.Encoding.UTF8.GetBytes(Eml(Id(), body: "二通目").ReplaceLineEndings("\r\n"));
        await app.ReceiveAsync(inbox.Id, one);
        await app.ReceiveAsync(inbox.Id, two);
        await app.ReceiveAsync(cleanInbox.Id, one);
        await app.WithDbAsync(db => db.AccountStorageUsages.Where(u => u.AccountId == account.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Bytes, u => u.Bytes + 12345)));

        var (found, report) = await RunAsync(app, "storage", "verify");
        var (fixedExit, fixReport) = await RunAsync(app, "storage", "verify", "--fix");
        var (after, afterReport) = await RunAsync(app, "storage", "verify");

        Assert.Equal(1, found);
        Assert.Contains($"account {account.Id}", report, StringComparison.Ordinal);
        Assert.Contains("drift +12345 bytes", report, StringComparison.Ordinal);
        Assert.DoesNotContain($"account {clean.Id}", report, StringComparison.Ordinal);
        Assert.Equal(0, fixedExit);
        Assert.Contains("fixed", fixReport, StringComparison.Ordinal);
        Assert.Equal(0, after);
        Assert.Contains("0 with drift", afterReport, StringComparison.Ordinal);
        Assert.Equal((one.LongLength + two.LongLength, 2L), await UsageAsync(app, account.Id));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.AccountId == account.Id && e.Action == AuditAction.StorageUseRecounted)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorStorage_ShowsUseAndDiskSeparately_AccountUsersRefused(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var pdf = new byte[5000];
        Random.Shared.NextBytes(pdf);
        var first = WithAttachment(Id(), pdf);
        var second = WithAttachment(Id(), pdf, "copy.pdf");
        await app.ReceiveAsync(inbox.Id, first);
        await app.ReceiveAsync(inbox.Id, second);
        var operatorClient = await app.SignInOperatorAsync();
        var owner = await account.SignInOwnerAsync();

        var use = await operatorClient.GetFromJsonAsync<JsonObject>($"/api/v1/operator/accounts/{account.Id}/storage");
        var refused = await owner.GetAsync($"/api/v1/operator/accounts/{account.Id}/storage");
        var unknown = await operatorClient.GetAsync($"/api/v1/operator/accounts/{Guid.NewGuid()}/storage");

        Assert.Equal(first.LongLength + second.LongLength, use!["usedBytes"]!.GetValue<long>());
        Assert.Equal(first.LongLength + second.LongLength, use["originalBlobBytes"]!.GetValue<long>());
        // The same attachment in two messages is one file on disk.
        Assert.Equal(1, use["attachmentBlobs"]!.GetValue<long>());
        Assert.Equal(pdf.LongLength, use["attachmentBlobBytes"]!.GetValue<long>());
        // Both messages are indexed for search: an estimate beside the blobs, counted into the disk total.
        var searchIndex = use["searchIndexBytes"]!.GetValue<long>();
        Assert.True(searchIndex > 0, "the search index of two messages takes space");
        Assert.Equal(first.LongLength + second.LongLength + pdf.LongLength + searchIndex, use["diskBytes"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    internal static Task<(long Bytes, long Originals)> UsageAsync(MadoguchiApp app, Guid accountId) => app.WithDbAsync(async db =>
    {
        var usage = await db.AccountStorageUsages.AsNoTracking().Where(u => u.AccountId == accountId).Select(u => new { u.Bytes, u.MessageCount }).SingleOrDefaultAsync();
        return (usage?.Bytes ?? 0, usage?.MessageCount ?? 0);
    });

    private static Task SetUsedAsync(MadoguchiApp app, Guid accountId, long bytes) =>
        app.WithDbAsync(db => db.AccountStorageUsages.Where(u => u.AccountId == accountId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Bytes, bytes)));

    internal static async Task<JsonObject> StatusAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/v1/account/storage"))!;

    internal static async Task<(int Exit, string Output)> RunAsync(MadoguchiApp app, params string[] args)
    {
        var output = new StringWriter();
        var exit = await AdminCommandLine.Parse(args)!.RunAsync(app.Services, TextReader.Null, output, TextWriter.Null);
        return (exit, output.ToString());
    }
}
