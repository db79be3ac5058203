using System.Threading.Channels;

namespace Madoguchi.Core.Receiving.Storage;

/// <summary>Wakes the inbound pipeline as soon as a fetch commits new originals, instead of waiting for its next poll.
/// Only a hint: the pipeline also polls for unprocessed originals, so a lost signal delays nothing for long.</summary>
public sealed class InboundSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void NewOriginalsStored() => _channel.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Timed out: poll anyway.
        }
    }
}
