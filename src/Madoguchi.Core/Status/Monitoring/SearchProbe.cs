using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>Search: the background indexer's lag, from the documents still waiting for their postings (a filtered index
/// holds only those, so this stays cheap on any size of mailbox).</summary>
public sealed class SearchProbe(IOptions<MonitoringOptions> options) : IProbe
{
    public StatusComponent Component => StatusComponent.Search;

    public async Task<ProbeReading> RunAsync(IServiceProvider services, DateTime now, CancellationToken ct)
    {
        var db = services.GetRequiredService<MadoguchiDbContext>();
        var waiting = db.SearchDocuments.AsNoTracking().Where(d => d.PostingsPendingSince != null);
        var count = await waiting.LongCountAsync(ct);
        var oldest = count == 0 ? null : await waiting.MinAsync(d => d.PostingsPendingSince, ct);
        return ProbeThresholds.Search(count, now - oldest, options.Value.Search);
    }
}
