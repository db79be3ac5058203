namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>Splits the messages waiting on a server into commit batches: at most <c>maxCount</c> messages and
/// about <c>maxBytes</c> each (a single larger message makes a batch of its own). Order is kept. Pure; unit-tested.</summary>
public static class BatchPlanner
{
    public static IEnumerable<IReadOnlyList<T>> Plan<T>(IEnumerable<T> items, Func<T, long> sizeOf, int maxCount, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var batch = new List<T>();
        long bytes = 0;
        foreach (var item in items)
        {
            var size = Math.Max(0, sizeOf(item));
            if (batch.Count > 0 && (batch.Count >= maxCount || bytes + size > maxBytes))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }
            batch.Add(item);
            bytes += size;
        }
        if (batch.Count > 0)
            yield return batch;
    }
}
