using System.ComponentModel.DataAnnotations;
using Madoguchi.Core.Status;
using Madoguchi.Core.Status.Monitoring;
using Xunit;

namespace Madoguchi.Tests.Status;

/// <summary>The README's thresholds table, row by row, with the defaults.</summary>
public sealed class ProbeThresholdsTests
{
    private static readonly MonitoringOptions Defaults = new();

    [Theory]
    [InlineData(5, ComponentState.Operational)]
    [InlineData(1_000, ComponentState.Operational)]
    [InlineData(1_001, ComponentState.DegradedPerformance)]
    [InlineData(5_000, ComponentState.DegradedPerformance)]
    [InlineData(5_001, ComponentState.PartialOutage)]
    public void Web_ThreadPoolWait_MapsToState(int milliseconds, ComponentState expected) =>
        Assert.Equal(expected, ProbeThresholds.Web(TimeSpan.FromMilliseconds(milliseconds), Defaults.Web).State);

    [Theory]
    [InlineData(2, ComponentState.Operational)]
    [InlineData(500, ComponentState.Operational)]
    [InlineData(501, ComponentState.DegradedPerformance)]
    [InlineData(3_000, ComponentState.DegradedPerformance)]
    [InlineData(3_001, ComponentState.PartialOutage)]
    public void Database_RoundTrip_MapsToState(int milliseconds, ComponentState expected) =>
        Assert.Equal(expected, ProbeThresholds.Database(TimeSpan.FromMilliseconds(milliseconds), Defaults.Database).State);

    [Fact]
    public void Database_NoAnswer_IsMajorOutage() =>
        Assert.Equal(ComponentState.MajorOutage, ProbeThresholds.Database(null, Defaults.Database).State);

    [Theory]
    [InlineData(50.0, ComponentState.Operational)]
    [InlineData(10.0, ComponentState.Operational)]
    [InlineData(9.9, ComponentState.DegradedPerformance)]
    [InlineData(5.0, ComponentState.DegradedPerformance)]
    [InlineData(4.9, ComponentState.PartialOutage)]
    [InlineData(1.0, ComponentState.PartialOutage)]
    [InlineData(0.9, ComponentState.MajorOutage)]
    [InlineData(0.0, ComponentState.MajorOutage)]
    public void Storage_FreePercent_MapsToState(double percentFree, ComponentState expected)
    {
        const long total = 1_000_000_000;
        Assert.Equal(expected, ProbeThresholds.Storage(null, (long)(total * percentFree / 100), total, Defaults.Storage).State);
    }

    [Fact]
    public void Storage_WriteFails_IsMajorOutageWhateverTheFreeSpace()
    {
        var reading = ProbeThresholds.Storage("the file system is read-only (EROFS)", 900, 1000, Defaults.Storage);

        Assert.Equal(ComponentState.MajorOutage, reading.State);
        Assert.Contains("read-only", reading.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_FreeSpaceUnknown_WritableIsOperational() =>
        Assert.Equal(ComponentState.Operational, ProbeThresholds.Storage(null, null, null, Defaults.Storage).State);

    [Theory]
    [InlineData(0, 0, ComponentState.Operational)] // no receive servers: nothing is failing
    [InlineData(100, 5, ComponentState.Operational)] // 95 %
    [InlineData(100, 6, ComponentState.DegradedPerformance)] // 94 %
    [InlineData(100, 25, ComponentState.DegradedPerformance)] // 75 %
    [InlineData(100, 26, ComponentState.PartialOutage)] // 74 %
    [InlineData(100, 50, ComponentState.PartialOutage)] // 50 %
    [InlineData(100, 51, ComponentState.MajorOutage)] // 49 %
    [InlineData(1, 1, ComponentState.MajorOutage)] // the only server fails
    public void Receiving_ShareFetching_MapsToState(int counted, int failing, ComponentState expected) =>
        Assert.Equal(expected, ProbeThresholds.Receiving(counted, failing, 0, 0, Defaults.Receiving).State);

    [Theory]
    [InlineData(1_000, ComponentState.Operational)]
    [InlineData(1_001, ComponentState.DegradedPerformance)]
    [InlineData(10_000, ComponentState.DegradedPerformance)]
    [InlineData(10_001, ComponentState.PartialOutage)]
    public void Receiving_Backlog_MapsToState(long backlog, ComponentState expected) =>
        Assert.Equal(expected, ProbeThresholds.Receiving(10, 0, 0, backlog, Defaults.Receiving).State);

    [Fact]
    public void Receiving_WorseOfShareAndBacklog()
    {
        var reading = ProbeThresholds.Receiving(10, 6, 2, 20_000, Defaults.Receiving);

        Assert.Equal(ComponentState.MajorOutage, reading.State);
        Assert.Equal("4 of 10 receive servers fetching (40%), 2 stalled, 20000 originals waiting for processing.", reading.Detail);
    }

    [Fact]
    public void Options_Defaults_AreValid() => Assert.Empty(Validate(new MonitoringOptions()));

    [Theory]
    [InlineData("00:00:00.500")]
    [InlineData("02:00:00")]
    public void Options_ProbeIntervalOutOfRange_IsRefused(string interval) =>
        Assert.Contains(Validate(new MonitoringOptions { ProbeInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) }),
            r => r.MemberNames.Contains(nameof(MonitoringOptions.ProbeInterval)));

    [Fact]
    public void Options_ThresholdsInWrongOrder_AreRefused()
    {
        var options = new MonitoringOptions();
        options.Receiving.PartialOutageBelowPercent = 99;
        options.Web.DegradedAboveMilliseconds = 700_000;

        var results = Validate(options);

        Assert.Contains(results, r => r.MemberNames.Contains("Receiving"));
        Assert.Contains(results, r => r.MemberNames.Contains("Web"));
    }

    [Theory]
    [InlineData(null, ComponentState.Operational)]
    [InlineData(15.0, ComponentState.Operational)]
    [InlineData(15.5, ComponentState.DegradedPerformance)]
    [InlineData(120.0, ComponentState.DegradedPerformance)]
    [InlineData(121.0, ComponentState.PartialOutage)]
    public void Sending_OldestQueuedMinutes_MapsToState(double? minutes, ComponentState expected) =>
        Assert.Equal(expected, ProbeThresholds.Sending(minutes is { } m ? TimeSpan.FromMinutes(m) : null, 0, 0, Defaults.Sending).State);

    [Theory]
    [InlineData(100, 0, ComponentState.Operational)]
    [InlineData(100, 5, ComponentState.Operational)]
    [InlineData(100, 6, ComponentState.DegradedPerformance)]
    [InlineData(100, 26, ComponentState.PartialOutage)]
    [InlineData(100, 51, ComponentState.MajorOutage)]
    [InlineData(5, 5, ComponentState.MajorOutage)]
    [InlineData(4, 4, ComponentState.Operational)]
    public void Sending_FailureRate_MapsToState_OnlyFromEnoughMessages(int finished, int failed, ComponentState expected) =>
        Assert.Equal(expected, ProbeThresholds.Sending(null, finished, failed, Defaults.Sending).State);

    [Fact]
    public void Sending_TakesTheWorseOfAgeAndFailures_AndSaysBoth()
    {
        var reading = ProbeThresholds.Sending(TimeSpan.FromMinutes(20), 10, 3, Defaults.Sending);

        Assert.Equal(ComponentState.PartialOutage, reading.State);
        Assert.Equal("Oldest message waiting 20 min; 3 of 10 finished in the last 60 min failed (30%).", reading.Detail);
    }

    [Fact]
    public void Sending_ThresholdsInWrongOrder_AreRefused()
    {
        var options = new MonitoringOptions();
        options.Sending.QueuedDegradedAfter = TimeSpan.FromHours(3);
        options.Sending.FailedMajorOutageAbovePercent = 1;

        var results = Validate(options);

        Assert.Equal(2, results.Count(r => r.MemberNames.Contains("Sending")));
    }

    private static List<ValidationResult> Validate(MonitoringOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        if (results.Count == 0)
            results.AddRange(options.Validate(new ValidationContext(options)));
        return results;
    }
}
