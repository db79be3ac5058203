using Madoguchi.Core.Common;
using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Madoguchi.Core.Receiving.Pipeline;

public static class InboundPipelineServiceCollectionExtensions
{
    /// <summary>The inbound pipeline's steps, its batch runner, the reprocess command and the worker.</summary>
    public static IServiceCollection AddInboundPipeline(this IServiceCollection services)
    {
        services.AddOptions<InboundPipelineOptions>().BindConfiguration(InboundPipelineOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<InboundSignal>();
        services.AddMadoguchiMetrics();
        services.TryAddSingleton<MessageParser>();
        services.AddScoped<IInboundStep, ParseStep>();
        services.AddScoped<IInboundStep, AutoReplyDetectionStep>();
        services.AddScoped<IInboundStep, SpamVerdictStep>();
        services.AddScoped<IInboundStep, AttachmentBlobStep>();
        services.AddScoped<IInboundStep, AttachmentBlobCheckStep>();
        services.AddScoped<IInboundStep, ThreadingStep>();
        services.AddScoped<IInboundStep, StoreStep>();
        services.AddScoped<IInboundStep, StorageUsageStep>();
        services.AddScoped<PendingStorageUsage>();
        services.AddScoped<ThreadIndex>();
        services.AddScoped<InboundPipeline>();
        services.AddSingleton<InboundBatchRunner>();
        services.AddHandlersIn("Madoguchi.Core.Receiving.Pipeline");
        services.AddHostedService<InboundPipelineWorker>();
        return services;
    }
}
