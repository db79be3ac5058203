using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Json.Schema;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.Core.Status;
using Madoguchi.Core.Status.Summary;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Status;

public sealed class StatusPageTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private static async Task<HttpClient> OperatorTokenClientAsync(MadoguchiApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var token = await scope.ServiceProvider.GetRequiredService<CreateOperatorTokenCommand>().HandleAsync(MadoguchiApp.OperatorEmail, CancellationToken.None);
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        return client;
    }

    /// <summary>Stores a probe verdict as the probe runner does, and lets the page see it at once (the runner's rounds are
    /// picked up when the shared summary expires; a test does not wait for that).</summary>
    private static async Task ProbeAsync(MadoguchiApp app, StatusComponent component, ComponentState state)
    {
        await app.WithDbAsync(async db =>
        {
            db.ProbeResults.Add(new ProbeResult { Component = component, State = state, CheckedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });
        app.Services.GetRequiredService<StatusSummaryCache>().Invalidate();
    }

    private static async Task<JsonElement> StatusJsonAsync(MadoguchiApp app) =>
        await (await app.NewClient().GetAsync("/status.json")).ReadAsync<JsonElement>();

    private static JsonElement ComponentOf(JsonElement status, string id) =>
        status.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);

    private static async Task<Guid> CreateIncidentAsync(HttpClient client, string title, string component, string state, string impact = "critical")
    {
        var created = await (await client.PostAsJsonAsync("/api/v1/operator/incidents", new
        {
            title,
            impact,
            status = "investigating",
            message = "メールの受信が遅れています。調査しています。",
            components = new[] { new { component, state } },
        })).ReadAsync<JsonElement>();
        return created.GetProperty("id").GetGuid();
    }

    private static async Task ResolveAsync(HttpClient client, Guid id) =>
        await (await client.PostAsJsonAsync($"/api/v1/operator/incidents/{id}/updates", new { status = "resolved", message = "復旧しました。" })).AssertStatusAsync(HttpStatusCode.OK);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorIncident_OverridesTheProbedState_AndItsResolutionRestoresIt(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var operatorClient = await OperatorTokenClientAsync(app);
        await ProbeAsync(app, StatusComponent.Database, ComponentState.Operational);
        var title = $"データベース障害 {Guid.NewGuid():N}";

        var id = await CreateIncidentAsync(operatorClient, title, "database", "majorOutage");
        var during = await StatusJsonAsync(app);
        await (await operatorClient.PostAsJsonAsync($"/api/v1/operator/incidents/{id}/updates", new { status = "identified", message = "原因を特定しました。" }))
            .AssertStatusAsync(HttpStatusCode.OK);
        var identified = await StatusJsonAsync(app);
        var page = await (await app.NewClient().GetAsync("/status")).Content.ReadAsStringAsync();
        await ResolveAsync(operatorClient, id);
        var after = await StatusJsonAsync(app);

        Assert.Equal("major_outage", ComponentOf(during, "database").GetProperty("status").GetString());
        Assert.Equal("incident", ComponentOf(during, "database").GetProperty("status_source").GetString());
        Assert.Equal("critical", during.GetProperty("status").GetProperty("indicator").GetString());
        var incident = during.GetProperty("incidents").EnumerateArray().Single(i => i.GetProperty("name").GetString() == title);
        Assert.Equal("investigating", incident.GetProperty("status").GetString());
        Assert.Equal(["identified", "investigating"], identified.GetProperty("incidents").EnumerateArray().Single(i => i.GetProperty("name").GetString() == title)
            .GetProperty("incident_updates").EnumerateArray().Select(u => u.GetProperty("status").GetString()));
        Assert.Contains(title, page, StringComparison.Ordinal);
        Assert.Contains("原因を特定しました。", page, StringComparison.Ordinal);

        Assert.Equal("operational", ComponentOf(after, "database").GetProperty("status").GetString());
        Assert.Equal("probe", ComponentOf(after, "database").GetProperty("status_source").GetString());
        Assert.DoesNotContain(after.GetProperty("incidents").EnumerateArray(), i => i.GetProperty("name").GetString() == title);
        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.Detail!.Contains(id.ToString())).Select(e => new { e.Action, e.ActorName, e.AccountId }).ToListAsync());
        Assert.Equal([AuditAction.IncidentCreated, AuditAction.IncidentUpdated, AuditAction.IncidentResolved], audit.Select(a => a.Action).Order());
        Assert.All(audit, a => Assert.Contains(MadoguchiApp.OperatorEmail, a.ActorName, StringComparison.Ordinal));
        Assert.All(audit, a => Assert.Null(a.AccountId));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RunningMaintenance_SetsUnderMaintenance_AnIncidentStillWins_CancellingEndsIt(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var operatorClient = await OperatorTokenClientAsync(app);
        await ProbeAsync(app, StatusComponent.Storage, ComponentState.Operational);
        await ProbeAsync(app, StatusComponent.Web, ComponentState.Operational);
        var now = DateTimeOffset.UtcNow;
        var window = await (await operatorClient.PostAsJsonAsync("/api/v1/operator/maintenances", new
        {
            title = "ストレージ移行",
            description = "ストレージを新しいディスクへ移します。",
            startsAt = now.AddMinutes(-1),
            endsAt = now.AddHours(1),
            components = new[] { "storage", "web" },
        })).ReadAsync<JsonElement>();
        var incidentId = await CreateIncidentAsync(operatorClient, $"Web の遅延 {Guid.NewGuid():N}", "web", "degradedPerformance", "minor");

        var during = await StatusJsonAsync(app);
        await ResolveAsync(operatorClient, incidentId);
        await (await operatorClient.PostAsync($"/api/v1/operator/maintenances/{window.GetProperty("id").GetGuid()}/cancel", null)).AssertStatusAsync(HttpStatusCode.OK);
        var after = await StatusJsonAsync(app);

        Assert.Equal("inProgress", window.GetProperty("status").GetString());
        Assert.Equal("under_maintenance", ComponentOf(during, "storage").GetProperty("status").GetString());
        Assert.Equal("maintenance", ComponentOf(during, "storage").GetProperty("status_source").GetString());
        Assert.Equal("degraded_performance", ComponentOf(during, "web").GetProperty("status").GetString());
        var listed = during.GetProperty("scheduled_maintenances").EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == window.GetProperty("id").GetGuid());
        Assert.Equal("in_progress", listed.GetProperty("status").GetString());
        Assert.Equal("operational", ComponentOf(after, "storage").GetProperty("status").GetString());
        Assert.DoesNotContain(after.GetProperty("scheduled_maintenances").EnumerateArray(), m => m.GetProperty("id").GetGuid() == window.GetProperty("id").GetGuid());
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task StatusJson_WithIncidentsAndMaintenance_MatchesTheJsonSchemaInTheRepository(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var operatorClient = await OperatorTokenClientAsync(app);
        await ProbeAsync(app, StatusComponent.Receiving, ComponentState.PartialOutage);
        var incidentId = await CreateIncidentAsync(operatorClient, "受信の遅延 \"quoted\" <b>not html</b>", "receiving", "partialOutage", "major");
        var now = DateTimeOffset.UtcNow;
        await (await operatorClient.PostAsJsonAsync("/api/v1/operator/maintenances", new
        {
            title = "定期メンテナンス",
            startsAt = now.AddDays(2),
            endsAt = now.AddDays(2).AddHours(2),
            components = new[] { "database" },
        })).AssertStatusAsync(HttpStatusCode.OK);
        var schemaResponse = await app.NewClient().GetAsync("/status.schema.json");
        await schemaResponse.AssertStatusAsync(HttpStatusCode.OK);
        var schema = JsonSchema.FromText(await schemaResponse.Content.ReadAsStringAsync(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

        var body = await (await app.NewClient().GetAsync("/status.json")).Content.ReadAsStringAsync();
        var result = schema.Evaluate(JsonDocument.Parse(body).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        await ResolveAsync(operatorClient, incidentId);

        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        var parsed = JsonNode.Parse(body)!;
        Assert.NotEmpty(parsed["incidents"]!.AsArray());
        Assert.NotEmpty(parsed["scheduled_maintenances"]!.AsArray());
        // The schema is strict enough to fail: a made-up state is refused.
        parsed["components"]![0]!["status"] = "fine";
        Assert.False(schema.Evaluate(JsonDocument.Parse(parsed.ToJsonString()).RootElement).IsValid);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task IncidentFeed_IsAtomWithOneEntryPerIncident(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var operatorClient = await OperatorTokenClientAsync(app);
        var title = $"フィード確認 {Guid.NewGuid():N}";
        var id = await CreateIncidentAsync(operatorClient, title, "web", "partialOutage", "major");
        await ResolveAsync(operatorClient, id);

        var response = await app.NewClient().GetAsync("/status/incidents.atom");
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        var feed = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;

        XNamespace atom = "http://www.w3.org/2005/Atom";
        Assert.Equal(atom + "feed", feed.Name);
        foreach (var required in new[] { "id", "title", "updated" })
            Assert.Single(feed.Elements(atom + required));
        Assert.Contains(feed.Elements(atom + "link"), l => (string?)l.Attribute("rel") == "self");
        var entry = Assert.Single(feed.Elements(atom + "entry"), e => e.Element(atom + "title")?.Value == title);
        Assert.Equal($"urn:uuid:{id}", entry.Element(atom + "id")?.Value);
        Assert.True(DateTimeOffset.TryParse(entry.Element(atom + "updated")?.Value, out _));
        Assert.Equal("resolved", entry.Element(atom + "category")?.Attribute("term")?.Value);
        Assert.Contains("復旧しました。", entry.Element(atom + "content")?.Value, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task StatusAnswers_AreCacheableWithETag_AndNeedNoSignIn(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        foreach (var (path, type) in new[] { ("/status", "text/html"), ("/status.json", "application/json"), ("/status/incidents.atom", "application/atom+xml") })
        {
            var client = app.NewClient();
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ja");
            var first = await client.GetAsync(path);
            await first.AssertStatusAsync(HttpStatusCode.OK);
            Assert.Equal(type, first.Content.Headers.ContentType?.MediaType);
            Assert.True(first.Headers.CacheControl is { Public: true, MaxAge: { } maxAge } && maxAge > TimeSpan.Zero && maxAge <= TimeSpan.FromMinutes(5), path);
            Assert.False(first.Headers.Contains("Set-Cookie"), path);
            var etag = first.Headers.ETag;
            Assert.NotNull(etag);

            var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(etag);
            Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
        }
        var japanese = app.NewClient();
        japanese.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ja");
        var english = app.NewClient();
        english.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        Assert.Contains("<html lang=\"ja\">", await japanese.GetStringAsync("/status"), StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", await english.GetStringAsync("/status"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task NonOperators_CannotPostIncidentsOrMaintenance_OnAnyOperatorStatusEndpoint(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var ownerToken = await app.TokenClientAsync(account.Owner);
        var ownerSession = await account.SignInOwnerAsync();
        var operatorClient = await OperatorTokenClientAsync(app);
        var incidentId = await CreateIncidentAsync(operatorClient, $"既存の障害 {Guid.NewGuid():N}", "web", "degradedPerformance", "minor");
        var now = DateTimeOffset.UtcNow;
        var windowId = (await (await operatorClient.PostAsJsonAsync("/api/v1/operator/maintenances", new
            { title = "予定", startsAt = now.AddDays(1), endsAt = now.AddDays(1).AddHours(1), components = new[] { "web" } })).ReadAsync<JsonElement>()).GetProperty("id").GetGuid();
        var title = $"なりすまし {Guid.NewGuid():N}";
        var calls = new (string Method, string Path, object? Body)[]
        {
            ("GET", "/api/v1/operator/incidents", null),
            ("POST", "/api/v1/operator/incidents", new { title, impact = "critical", message = "x", components = new[] { new { component = "web", state = "majorOutage" } } }),
            ("POST", $"/api/v1/operator/incidents/{incidentId}/updates", new { status = "resolved", message = title }),
            ("GET", "/api/v1/operator/maintenances", null),
            ("POST", "/api/v1/operator/maintenances", new { title, startsAt = now.AddHours(1), endsAt = now.AddHours(2), components = new[] { "web" } }),
            ("POST", $"/api/v1/operator/maintenances/{windowId}/cancel", null),
        };

        foreach (var (method, path, body) in calls)
        {
            foreach (var (client, expected) in new[] { (app.NewClient(), HttpStatusCode.Unauthorized), (ownerToken, HttpStatusCode.Forbidden), (ownerSession, HttpStatusCode.Forbidden) })
            {
                var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : JsonContent.Create(body) };
                Assert.True(expected == (await client.SendAsync(request)).StatusCode, $"{method} {path}");
            }
        }

        Assert.False(await app.WithDbAsync(db => db.Incidents.AnyAsync(i => i.Title == title || i.Updates.Any(u => u.Message == title))));
        Assert.False(await app.WithDbAsync(db => db.MaintenanceWindows.AnyAsync(m => m.Title == title || (m.Id == windowId && m.CancelledAt != null))));
        await ResolveAsync(operatorClient, incidentId);
        await (await operatorClient.PostAsync($"/api/v1/operator/maintenances/{windowId}/cancel", null)).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorApi_RefusesBadIncidentsAndUpdatesToResolvedOnes(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var operatorClient = await OperatorTokenClientAsync(app);
        var id = await CreateIncidentAsync(operatorClient, $"検証 {Guid.NewGuid():N}", "web", "partialOutage", "major");
        await ResolveAsync(operatorClient, id);

        await (await operatorClient.PostAsJsonAsync("/api/v1/operator/incidents", new { title = "", message = "x" })).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_title");
        await (await operatorClient.PostAsJsonAsync("/api/v1/operator/incidents", new { title = "x", message = "" })).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_message");
        await (await operatorClient.PostAsJsonAsync("/api/v1/operator/incidents", new { title = "x", message = "x", components = new[] { new { component = "web", state = "majorOutage" }, new { component = "web", state = "operational" } } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "duplicate_component");
        await (await operatorClient.PostAsJsonAsync($"/api/v1/operator/incidents/{id}/updates", new { status = "monitoring", message = "x" })).AssertProblemAsync(HttpStatusCode.Conflict, "incident_resolved");
        await (await operatorClient.PostAsJsonAsync($"/api/v1/operator/incidents/{Guid.NewGuid()}/updates", new { message = "x" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        var now = DateTimeOffset.UtcNow;
        await (await operatorClient.PostAsJsonAsync("/api/v1/operator/maintenances", new { title = "x", startsAt = now.AddHours(2), endsAt = now.AddHours(1), components = new[] { "web" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_window");
    }
}
