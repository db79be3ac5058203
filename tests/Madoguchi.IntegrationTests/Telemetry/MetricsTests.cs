using System.Net;
using System.Text;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Status;
using Madoguchi.IntegrationTests.Receiving;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Madoguchi.IntegrationTests.Telemetry;

/// <summary>Meters are process-wide: every app in this test process feeds every other app's /metrics. Exact counts need
/// these tests to run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics (alone)";
}

/// <summary>/metrics served by Kestrel (so requests have a real client address, 127.0.0.1), checked by promtool.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    private const int MessageCount = 12;
    private const int Pop3MessageCount = 7;
    private static readonly (string, string) FetchRoute = ("http_route", "/api/v1/inboxes/{id:guid}/fetch");

    /// <summary>An IMAP and a POP3 mailbox of different sizes on one app: each protocol's counters move by its own count.</summary>
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Metrics_AfterAFetch_ParseAsPrometheusText_AndEachProtocolsCountersMoveByItsMessagesFetched(DatabaseProvider provider)
    {
        var (scenario, imapUser, imapMessages) = await ArrangeAsync(provider);
        await using var _ = scenario;
        var pop3Messages = (await TestMailbox.GetAsync(1000)).Messages.Skip(MessageCount).Take(Pop3MessageCount).ToList();
        var pop3User = await dovecot.AddUniqueUserAsync("scanuser");
        await dovecot.Server.DeliverManyAsync(pop3User.Name, pop3Messages);
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, imapUser));
        await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, pop3User));

        var before = await ScrapeAsync(scenario.App);
        var result = await scenario.FetchNowAsync();
        // The server records a request's duration just after the response has gone: wait for the fetch request's.
        var text = await ScrapeTextUntilAsync(scenario.App, e => e.Sum("http_server_request_duration_seconds_count", FetchRoute) >= 1);

        await Promtool.AssertValidAsync(text);
        var after = Exposition.Parse(text);
        var imapDistinct = imapMessages.Select(TestMailbox.Sha256).Distinct().Count();
        var pop3New = pop3Messages.Select(TestMailbox.Sha256).Distinct().Except(imapMessages.Select(TestMailbox.Sha256)).Count();
        Assert.Equal(imapDistinct + pop3New, result.GetProperty("stored").GetInt32());
        Assert.Equal((MessageCount, Pop3MessageCount), (Delta(before, after, "madoguchi_receive_messages_fetched_total", "imap"), Delta(before, after, "madoguchi_receive_messages_fetched_total", "pop3")));
        Assert.Equal(imapDistinct + pop3New, Delta(before, after, "madoguchi_receive_messages_stored_total", "imap") + Delta(before, after, "madoguchi_receive_messages_stored_total", "pop3"));
        Assert.Equal((0, 0), (Delta(before, after, "madoguchi_receive_messages_failed_total", "imap"), Delta(before, after, "madoguchi_receive_messages_failed_total", "pop3")));
        foreach (var protocol in (string[])["imap", "pop3"])
        {
            Assert.Equal(1, after.Sum("madoguchi_receive_passes_total", ("protocol", protocol), ("outcome", "success"))
                - before.Sum("madoguchi_receive_passes_total", ("protocol", protocol), ("outcome", "success")));
            Assert.Equal(1, after.Sum("madoguchi_receive_pass_duration_seconds_count", ("protocol", protocol)));
        }
        // The other meters are there too: HTTP server durations (the fetch request itself), EF Core, the runtime.
        Assert.True(after.Sum("http_server_request_duration_seconds_count", FetchRoute) >= 1, "no HTTP duration of the fetch request");
        Assert.True(after.Has("microsoft_entityframeworkcore_active_dbcontexts"), "no EF Core metric");
        Assert.True(after.Samples.Any(s => s.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal)), "no runtime metric");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Metrics_AfterFetchingAMailbox_ContainNoAddressSubjectOrNameOfIt(DatabaseProvider provider)
    {
        var (scenario, user, messages) = await ArrangeAsync(provider);
        await using var _ = scenario;
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));
        await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, user));
        await scenario.FetchNowAsync();
        await WaitUntilProcessedAsync(scenario, messages.Count);

        // The batch's counter is recorded after its last transaction commits (and tells open screens): wait for it.
        var distinct = messages.Select(TestMailbox.Sha256).Distinct().Count();
        var text = await ScrapeTextUntilAsync(scenario.App, e => e.Sum("madoguchi_pipeline_messages_total", ("outcome", "processed")) >= distinct);

        Assert.True(Exposition.Parse(text).Sum("madoguchi_pipeline_messages_total", ("outcome", "processed")) >= distinct);
        foreach (var secret in PersonalStrings(scenario, user, messages))
            Assert.False(text.Contains(secret, StringComparison.OrdinalIgnoreCase), $"/metrics contains \"{secret}\"");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PipelineBacklog_CountsWaitingOriginals_IsNotRecountedPerScrape_AndFallsAfterTheBatch(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (scenario, user, messages) = await ArrangeAsync(provider, new() { ["Madoguchi:InboundPipeline:RunWorker"] = "false" }, s => s.AddSingleton<TimeProvider>(clock));
        await using var _ = scenario;
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));
        await scenario.FetchNowAsync();
        var waiting = messages.Select(TestMailbox.Sha256).Distinct().Count();

        var counted = await ScrapeUntilAsync(scenario.App, e => e.Has("madoguchi_pipeline_backlog"));
        await using (var scope = scenario.App.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ProcessPendingMessagesCommand>().HandleAsync(CancellationToken.None);
        var cached = await ScrapeAsync(scenario.App);
        clock.Advance(PipelineBacklog.MaxAge + TimeSpan.FromSeconds(1));
        var recounted = await ScrapeUntilAsync(scenario.App, e => e.Sum("madoguchi_pipeline_backlog") == 0);

        Assert.Equal(waiting, counted.Sum("madoguchi_pipeline_backlog"));
        // Within 15 seconds of the count a scrape shows it again instead of querying the database.
        Assert.Equal(waiting, cached.Sum("madoguchi_pipeline_backlog"));
        Assert.Equal(0, recounted.Sum("madoguchi_pipeline_backlog"));
        Assert.Equal(waiting, cached.Sum("madoguchi_pipeline_messages_total", ("outcome", "processed")));
        Assert.True(cached.Sum("madoguchi_pipeline_batch_duration_seconds_count") >= 1);
    }

    [Fact]
    public async Task ProbeStates_AreAGaugePerComponent_FromTheProbeBoard()
    {
        await using var app = await StartAppAsync(DatabaseProvider.Sqlite);
        var checkedAt = new DateTime(2026, 12, 5, 3, 0, 0, DateTimeKind.Utc);
        var board = app.Services.GetRequiredService<ProbeStateBoard>();
        board.Update(StatusComponent.Database, ComponentState.Operational, checkedAt);
        board.Update(StatusComponent.Receiving, ComponentState.PartialOutage, checkedAt);

        var text = await ScrapeTextAsync(app);

        await Promtool.AssertValidAsync(text);
        var metrics = Exposition.Parse(text);
        Assert.Equal(0, metrics.Sum("madoguchi_probe_state", ("component", "database")));
        Assert.Equal(2, metrics.Sum("madoguchi_probe_state", ("component", "receiving")));
        Assert.Equal((checkedAt - DateTime.UnixEpoch).TotalSeconds, metrics.Sum("madoguchi_probe_last_check_timestamp_seconds", ("component", "receiving")));
    }

    [Fact]
    public async Task Metrics_ByDefault_ServedToLoopback_RefusedWhenForwardedByAnUnlistedProxy()
    {
        await using var app = await StartAppAsync(DatabaseProvider.Sqlite);
        using var client = app.NewCrossSiteClient();
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "X-Forwarded-For", "203.0.113.7" } } };

        var direct = await client.GetAsync("/metrics");
        var viaProxy = await client.SendAsync(forwarded);

        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        await AssertRefusedAsync(viaProxy, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Metrics_FromANetworkNotAllowed_Refused403WithoutDetail()
    {
        await using var app = await StartAppAsync(DatabaseProvider.Sqlite, new() { ["Madoguchi:Metrics:AllowedNetworks:0"] = "192.0.2.0/24, 2001:db8::/32" });
        using var client = app.NewCrossSiteClient();

        await AssertRefusedAsync(await client.GetAsync("/metrics"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Metrics_WithATokenSet_RightTokenServed_MissingOrWrongToken401WithoutDetail()
    {
        const string token = "metrics-token-0123456789abcdef0123456789";
        await using var app = await StartAppAsync(DatabaseProvider.Sqlite, new() { ["Madoguchi:Metrics:BearerToken"] = token });
        using var client = app.NewCrossSiteClient();

        var missing = await client.GetAsync("/metrics");
        var wrong = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "Authorization", "Bearer " + token[..^1] + "X" } } });
        var right = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "Authorization", "Bearer " + token } } });

        await AssertRefusedAsync(missing, HttpStatusCode.Unauthorized);
        await AssertRefusedAsync(wrong, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("madoguchi_receive_messages_fetched_total", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    internal async Task<(ReceivingScenario Scenario, MailboxUser User, IReadOnlyList<byte[]> Messages)> ArrangeAsync(DatabaseProvider provider,
        Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var messages = mailbox.Messages.Take(MessageCount).ToList();
        var user = await dovecot.AddUniqueUserAsync("scanuser");
        await dovecot.Server.DeliverManyAsync(user.Name, messages);
        var app = await StartAppAsync(provider, settings, services);
        return (await ReceivingScenario.OnAsync(app), user, messages);
    }

    internal static Task<MadoguchiApp> StartAppAsync(DatabaseProvider provider, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = ReceivingScenario.Settings();
        foreach (var (key, value) in settings ?? [])
            all[key] = value;
        return MadoguchiApp.StartAsync(provider, all, kestrel: true, services: services);
    }

    internal static async Task<string> ScrapeTextAsync(MadoguchiApp app)
    {
        using var client = app.NewCrossSiteClient();
        var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics answered {(int)response.StatusCode}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return text;
    }

    private static async Task<Exposition> ScrapeAsync(MadoguchiApp app) => Exposition.Parse(await ScrapeTextAsync(app));

    private static async Task<Exposition> ScrapeUntilAsync(MadoguchiApp app, Func<Exposition, bool> done) =>
        Exposition.Parse(await ScrapeTextUntilAsync(app, done));

    /// <summary>Scrapes until <paramref name="done"/> holds (something recorded in the background), for at most 30 seconds.</summary>
    private static async Task<string> ScrapeTextUntilAsync(MadoguchiApp app, Func<Exposition, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var text = await ScrapeTextAsync(app);
            if (done(Exposition.Parse(text)) || DateTime.UtcNow > deadline)
                return text;
            await Task.Delay(20);
        }
    }

    private static double Delta(Exposition before, Exposition after, string name, string protocol) =>
        after.Sum(name, ("protocol", protocol)) - before.Sum(name, ("protocol", protocol));

    internal static async Task WaitUntilProcessedAsync(ReceivingScenario scenario, int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await scenario.App.WithDbAsync(db => db.RawMessages.CountAsync(m => m.ProcessedAt != null)) < Math.Min(atLeast, 1) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        while (await scenario.App.WithDbAsync(db => db.RawMessages.CountAsync(m => m.ProcessedAt == null && m.ProcessingError == null)) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
    }

    /// <summary>What must never leave in a metric or a span: the mailbox's user name and password, every address and
    /// subject of its messages, the account owner's address and the inbox's name.</summary>
    internal static List<string> PersonalStrings(ReceivingScenario scenario, MailboxUser user, IEnumerable<byte[]> messages)
    {
        var strings = new List<string> { user.Name, user.Password, scenario.Account.Owner.Email, "サポート窓口" };
        foreach (var raw in messages)
        {
            using var stream = new MemoryStream(raw);
            var message = MimeMessage.Load(stream);
            strings.AddRange(message.From.Mailboxes.Concat(message.To.Mailboxes).Concat(message.Cc.Mailboxes).Select(m => m.Address));
            if (message.Subject is { Length: >= 4 } subject)
                strings.Add(subject);
        }
        return [.. strings.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal)];
    }
}
