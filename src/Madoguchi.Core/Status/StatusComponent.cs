namespace Madoguchi.Core.Status;

/// <summary>The parts of the service the status page reports on.</summary>
public enum StatusComponent
{
    Web = 0,
    Database = 1,
    Storage = 2,
    Receiving = 3,
    Sending = 4,

    /// <summary>Search: how far the background indexer lags behind received mail.</summary>
    Search = 5,
}

/// <summary>The common status-page scale, worst last except maintenance (which an operator or a window sets, never a probe).</summary>
public enum ComponentState
{
    Operational = 0,
    DegradedPerformance = 1,
    PartialOutage = 2,
    MajorOutage = 3,
    UnderMaintenance = 4,
}
