namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>Follows a pipelined RETR batch as MailKit reads it (the message bytes received so far, cumulative over the
/// batch), so a batch that stalls or loses its connection can name the message it was on: the first whose end, by the
/// sizes LIST gave, lies beyond the bytes received. LIST sizes are exact on the servers we know; where one is not, the
/// guess may name a neighbour, and the next pass asks one message at a time and names it exactly.</summary>
internal sealed class Pop3TransferPosition : MailKit.ITransferProgress
{
    private long _bytes;

    public void Report(long bytesTransferred, long totalSize) => Interlocked.Exchange(ref _bytes, bytesTransferred);

    public void Report(long bytesTransferred) => Interlocked.Exchange(ref _bytes, bytesTransferred);

    public int MessageAt(IReadOnlyList<int> batch, IList<int> sizes)
    {
        var received = Interlocked.Read(ref _bytes);
        long end = 0;
        foreach (var index in batch)
        {
            end += sizes[index];
            if (end > received)
                return index;
        }
        return batch[^1];
    }
}
