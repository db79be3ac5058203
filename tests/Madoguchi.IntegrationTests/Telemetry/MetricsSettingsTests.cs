using Madoguchi.Web.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.IntegrationTests.Telemetry;

/// <summary>An invalid <c>Madoguchi:Metrics</c> setting stops the start naming it. Checked through the start-up validation the
/// host runs (<see cref="IStartupValidator"/>) on the product's own registration, without starting a host: starting and
/// tearing down a host that fails to start raced inside WebApplicationFactory (ObjectDisposedException now and then).</summary>
public sealed class MetricsSettingsTests
{
    [Theory]
    [InlineData("AllowedNetworks:0", "10.0.0.1/8", "AllowedNetworks")]
    [InlineData("AllowedNetworks:0", "127.0.0.1, intranet", "AllowedNetworks")]
    [InlineData("BearerToken", "too-short", "BearerToken")]
    [InlineData("OtlpEndpoint", "otel-collector:4317", "OtlpEndpoint")]
    [InlineData("OtlpProtocol", "http", "OtlpProtocol")]
    public void MetricsSetting_Invalid_RefusesToStartNamingIt(string key, string value, string named)
    {
        using var services = Services(new Dictionary<string, string?> { [MetricsOptions.SectionName + ":" + key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(MetricsOptions.SectionName + ":" + named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetricsSettings_ValidOrLeftOut_Start()
    {
        using var valid = Services(new Dictionary<string, string?>
        {
            [MetricsOptions.SectionName + ":AllowedNetworks:0"] = "10.0.0.0/8, 192.168.1.5",
            [MetricsOptions.SectionName + ":BearerToken"] = new string('x', MetricsOptions.MinimumTokenLength),
            [MetricsOptions.SectionName + ":OtlpEndpoint"] = "http://otel-collector:4317",
            [MetricsOptions.SectionName + ":OtlpProtocol"] = "http/protobuf",
        });
        using var none = Services([]);

        valid.GetRequiredService<IStartupValidator>().Validate();
        none.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal(2, valid.GetRequiredService<IOptions<MetricsOptions>>().Value.Networks().Count);
    }

    /// <summary>The product's registration of the metrics settings over the given configuration.</summary>
    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddMetricsOptions()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
}
