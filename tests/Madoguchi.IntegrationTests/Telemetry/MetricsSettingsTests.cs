using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.Extensions.Options;

namespace Madoguchi.IntegrationTests.Telemetry;

public sealed class MetricsSettingsTests
{
    [Theory]
    [InlineData("AllowedNetworks:0", "10.0.0.1/8", "AllowedNetworks")]
    [InlineData("AllowedNetworks:0", "127.0.0.1, intranet", "AllowedNetworks")]
    [InlineData("BearerToken", "too-short", "BearerToken")]
    [InlineData("OtlpEndpoint", "otel-collector:4317", "OtlpEndpoint")]
    [InlineData("OtlpProtocol", "http", "OtlpProtocol")]
    public async Task MetricsSetting_Invalid_RefusesToStartNamingIt(string key, string value, string named)
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() =>
            MadoguchiApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Madoguchi:Metrics:" + key] = value }, setUp: false));

        Assert.Contains("Madoguchi:Metrics:" + named, error.Message, StringComparison.Ordinal);
    }
}
