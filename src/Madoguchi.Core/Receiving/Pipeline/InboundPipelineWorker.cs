using Madoguchi.Core.Receiving.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Turns stored originals into ticket messages: wakes when a fetch signals new originals, and polls anyway.</summary>
internal sealed class InboundPipelineWorker(
    IServiceScopeFactory scopes, InboundSignal signal, IOptions<InboundPipelineOptions> options, ILogger<InboundPipelineWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunWorker)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var counts = await scope.ServiceProvider.GetRequiredService<ProcessPendingMessagesCommand>().HandleAsync(stoppingToken);
                if (counts.Processed + counts.Failed > 0)
                    PipelineLog.BatchDone(logger, counts.Processed, counts.Created, counts.Replaced, counts.Failed);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                PipelineLog.PassFailed(logger, e);
            }

            try
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
