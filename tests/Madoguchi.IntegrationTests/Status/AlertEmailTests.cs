using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Status;
using Madoguchi.Core.Status.Monitoring;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Status;

/// <summary>Alert emails leave through the installation's SMTP settings (here the test Postfix) into an operator's real
/// mailbox: one when a component leaves "operational", none for a round that finds it still broken, one on recovery;
/// a relay that refuses never breaks the probe round and is shown in the console.</summary>
public sealed class AlertEmailTests(PostfixFixture mail) : IClassFixture<PostfixFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task StorageBreaks_OneAlertMail_NoneForTheNextFailingRound_OneRecoveryMail(DatabaseProvider provider)
    {
        var ops = await mail.AddUniqueUserAsync("ops");
        await using var app = await MadoguchiApp.StartAsync(provider, ProbeRounds.ManualSettings(new Dictionary<string, string?>
        {
            ["Madoguchi:Alerts:Smtp:Host"] = mail.Postfix.Host,
            ["Madoguchi:Alerts:Smtp:Port"] = mail.Postfix.Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Madoguchi:Alerts:Smtp:Security"] = "None",
            ["Madoguchi:Alerts:Smtp:From"] = PostfixFixture.AddressOf(ops),
            ["Madoguchi:Alerts:Recipients:0"] = PostfixFixture.AddressOf(ops),
        }));
        var t0 = DateTime.UtcNow;
        await ProbeRounds.RunAsync(app, t0);
        Assert.Equal(0, await DeliveredAsync(ops));

        var temp = BreakBlobStore(app);
        var broken = await ProbeRounds.RunAsync(app, t0.AddMinutes(1));
        Assert.Equal(ComponentState.MajorOutage, broken[StatusComponent.Storage].State);
        var alert = Assert.Single(await SubjectsAsync(ops));
        Assert.Equal("[Madoguchi] Alert: Storage is major outage / 障害: ストレージは「全面停止」です", alert);

        await ProbeRounds.RunAsync(app, t0.AddMinutes(2));
        Assert.Single(await SubjectsAsync(ops));

        File.Delete(temp);
        var healed = await ProbeRounds.RunAsync(app, t0.AddMinutes(3));
        Assert.Equal(ComponentState.Operational, healed[StatusComponent.Storage].State);
        var subjects = await SubjectsAsync(ops);
        Assert.Equal(2, subjects.Count);
        Assert.Contains("[Madoguchi] Recovered: Storage is operational / 復旧: ストレージは正常稼働に戻りました", subjects);

        using var operatorClient = await app.SignInOperatorAsync();
        var emails = await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/operator/alert-emails");
        Assert.True(emails.GetProperty("enabled").GetBoolean());
        Assert.Equal(1, emails.GetProperty("recipients").GetInt32());
        Assert.All(emails.GetProperty("recent").EnumerateArray(), e => Assert.Equal("sent", e.GetProperty("status").GetString()));
        Assert.Equal(2, emails.GetProperty("recent").GetArrayLength());
    }

    [Fact]
    public async Task RelayRefusesConnections_RoundStillStoresResults_FailureShownInConsoleAndRetriedThenGivenUp()
    {
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite, ProbeRounds.ManualSettings(new Dictionary<string, string?>
        {
            ["Madoguchi:Alerts:Smtp:Host"] = "127.0.0.1",
            ["Madoguchi:Alerts:Smtp:Port"] = FreePort.Get().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Madoguchi:Alerts:Smtp:Security"] = "None",
            ["Madoguchi:Alerts:Smtp:From"] = "madoguchi@example.test",
            ["Madoguchi:Alerts:MaxAttempts"] = "2",
        }));
        var t0 = DateTime.UtcNow;
        BreakBlobStore(app);

        var first = await ProbeRounds.RunAsync(app, t0);
        Assert.Equal(ComponentState.MajorOutage, first[StatusComponent.Storage].State);
        Assert.Equal(Enum.GetValues<StatusComponent>().Length, await app.WithDbAsync(db => db.ProbeResults.CountAsync(p => p.CheckedAt == t0)));
        using var operatorClient = await app.SignInOperatorAsync();
        var pending = (await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/operator/alert-emails")).GetProperty("recent").EnumerateArray().Single();
        Assert.Equal(("pending", 1, "connection_refused"), (pending.GetProperty("status").GetString(), pending.GetProperty("attempts").GetInt32(),
            pending.GetProperty("error").GetProperty("code").GetString()));
        Assert.Contains("SMTP", pending.GetProperty("error").GetProperty("ja").GetString(), StringComparison.Ordinal);
        // The console notice is there regardless of the email.
        Assert.Single(await app.WithDbAsync(db => db.OperatorAlerts.AsNoTracking().Where(a => a.Component == StatusComponent.Storage).ToListAsync()));

        await ProbeRounds.RunAsync(app, t0.AddMinutes(1));
        await ProbeRounds.RunAsync(app, t0.AddMinutes(2));
        var row = await app.WithDbAsync(db => db.AlertEmails.AsNoTracking().SingleAsync());
        Assert.Equal((2, t0.AddMinutes(1), "connection_refused"), (row.Attempts, row.FailedAt, row.ErrorCode));
        var failed = (await operatorClient.GetFromJsonAsync<JsonElement>("/api/v1/operator/alert-emails")).GetProperty("recent")[0];
        Assert.Equal("failed", failed.GetProperty("status").GetString());

        using var owner = await (await app.CreateAccountAsync()).SignInOwnerAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync("/api/v1/operator/alert-emails")).StatusCode);
    }

    /// <summary>A file where the blob store's temporary folder belongs: even root cannot write through it.</summary>
    private static string BreakBlobStore(MadoguchiApp app)
    {
        var temp = Path.Combine(Path.GetFullPath(app.Database.DataDirectory), "blobs", "tmp");
        if (Directory.Exists(temp))
            Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        File.WriteAllText(temp, "not a folder");
        return temp;
    }

    private async Task<int> DeliveredAsync(MailboxUser user)
    {
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        return await mail.Dovecot.CountMessagesAsync(user.Name);
    }

    private async Task<List<string>> SubjectsAsync(MailboxUser user)
    {
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        using var imap = await mail.Dovecot.ConnectImapAsync(user.Name);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var subjects = new List<string>();
        for (var i = 0; i < imap.Inbox.Count; i++)
            subjects.Add((await imap.Inbox.GetMessageAsync(i)).Subject ?? "");
        return subjects;
    }
}
