using System.Collections.Concurrent;
using System.Text;
using Madoguchi.Core.Data;
using Madoguchi.Testing.Servers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Madoguchi.IntegrationTests.Telemetry;

/// <summary>OTLP export, received by a loopback listener that keeps what it is sent (OTLP/HTTP, protobuf bodies).</summary>
[Collection(MetricsCollection.Name)]
public sealed class OtlpTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    [Fact]
    public async Task Otlp_WhenConfigured_FetchPassAndPipelineBatchSpansAndMetricsReachTheCollector_WithNoPersonalData()
    {
        await using var collector = await Collector.StartAsync();
        var metrics = new MetricsTests(dovecot);
        var (scenario, user, messages) = await metrics.ArrangeAsync(DatabaseProvider.Sqlite, new()
        {
            ["Madoguchi:Metrics:OtlpEndpoint"] = collector.BaseAddress,
            ["Madoguchi:Metrics:OtlpProtocol"] = "http/protobuf",
        });
        List<string> personal;
        await using (scenario)
        {
            await scenario.AddServerAsync(Receiving.ReceivingScenario.Imap(dovecot.Server, user));
            await scenario.FetchNowAsync();
            await MetricsTests.WaitUntilProcessedAsync(scenario, messages.Count);
            personal = MetricsTests.PersonalStrings(scenario, user, messages);
        }
        // Stopping the app flushed both exporters; on a busy machine a flush's request may still be arriving.

        var traces = await collector.TextWhenItHoldsAsync("/v1/traces", "madoguchi.pipeline.batch");
        var exported = await collector.TextWhenItHoldsAsync("/v1/metrics", "madoguchi.receive.messages.fetched");
        Assert.Contains("madoguchi.receive.fetch_pass", traces, StringComparison.Ordinal);
        Assert.Contains("madoguchi.pipeline.batch", traces, StringComparison.Ordinal);
        Assert.Contains("madoguchi.receive.messages.fetched", exported, StringComparison.Ordinal);
        foreach (var secret in personal)
        {
            Assert.False(traces.Contains(secret, StringComparison.OrdinalIgnoreCase), $"a span carries \"{secret}\"");
            Assert.False(exported.Contains(secret, StringComparison.OrdinalIgnoreCase), $"an OTLP metric carries \"{secret}\"");
        }
    }

    [Fact]
    public async Task Otlp_NotConfigured_NoTraceIsRecorded()
    {
        await using var app = await MetricsTests.StartAppAsync(DatabaseProvider.Sqlite);

        Assert.False(Core.Telemetry.MadoguchiTracing.Source.HasListeners());
    }

    private sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();

        private Collector(WebApplication app, string baseAddress)
        {
            _app = app;
            BaseAddress = baseAddress;
        }

        public string BaseAddress { get; }

        public static async Task<Collector> StartAsync()
        {
            var port = FreePort.Get();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            var collector = new Collector(app, $"http://127.0.0.1:{port}");
            app.MapPost("/v1/{signal}", async (HttpContext context, string signal) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                collector._received.Enqueue(($"/v1/{signal}", body.ToArray()));
                context.Response.ContentType = "application/x-protobuf";
            });
            await app.StartAsync();
            return collector;
        }

        /// <summary>Everything sent to <paramref name="path"/>, as UTF-8 (protobuf keeps strings as they are).</summary>
        public string Text(string path) =>
            string.Join('\n', _received.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body)));

        /// <summary>What was sent to <paramref name="path"/>, once it holds <paramref name="expected"/> (at most 15 s).</summary>
        public async Task<string> TextWhenItHoldsAsync(string path, string expected)
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (!Text(path).Contains(expected, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
                await Task.Delay(50);
            return Text(path);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
