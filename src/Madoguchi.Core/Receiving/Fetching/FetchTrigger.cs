using System.Threading.Channels;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>Asks the worker to fetch a server now (IDLE saw new mail, settings changed) instead of at its next poll.</summary>
public sealed class FetchTrigger
{
    private readonly Channel<Guid> _channel = Channel.CreateUnbounded<Guid>();

    public void FetchSoon(Guid serverId) => _channel.Writer.TryWrite(serverId);

    internal ChannelReader<Guid> Reader => _channel.Reader;
}
