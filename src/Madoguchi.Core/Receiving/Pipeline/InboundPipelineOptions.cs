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
}
