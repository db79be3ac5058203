using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Bound from <c>Madoguchi:InboundPipeline</c>.</summary>
public sealed class InboundPipelineOptions
{
    public const string SectionName = "Madoguchi:InboundPipeline";

    /// <summary>How often the worker looks for waiting originals when no fetch signalled any.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>False runs no worker in this instance (another instance, or the CLI, processes originals).</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>Originals per pipeline transaction: fewer commits and one threading query for all of them; a failure costs
    /// at most this many re-runs, and two transactions' worth of parsed messages is all the memory a run holds. Threading
    /// does not depend on it: originals are always processed in order of arrival.</summary>
    [Range(1, 5000)]
    public int TransactionSize { get; set; } = 250;

    /// <summary>Originals parsed at once while preparing a transaction; null means one per processor core.</summary>
    [Range(1, 256)]
    public int? ParseParallelism { get; set; }
}
