using Madoguchi.Core.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Sending;

public static class SendingServiceCollectionExtensions
{
    /// <summary>送信設定, the outbox and its worker (Madoguchi:Sending).</summary>
    public static IServiceCollection AddSending(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SendingOptions>().Bind(configuration.GetSection(SendingOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SendPasswordProtector>();
        services.AddSingleton<SendTrigger>();
        services.AddHandlersIn("Madoguchi.Core.Sending");
        services.AddScoped<OutboxSender>();
        services.AddScoped<Compose.ReplyAttachments>();
        services.AddSingleton<OutboxLease>();
        services.AddSingleton<OutboxWriteGate>();
        services.AddSingleton<OutboxOutcomes>();
        services.AddSingleton<SentCopies.SentCopyTrigger>();
        services.AddScoped<SentCopies.SentCopyScheduler>();
        services.AddScoped<SentCopies.SentCopyAppender>();
        services.AddScoped<Receiving.Pipeline.IInboundStep, SentCopies.OwnSentCopyStep>();
        return services;
    }

    /// <summary>The outbox worker and, beside it, the worker that copies sent messages to Sent folders.</summary>
    public static IServiceCollection AddOutboxWorker(this IServiceCollection services) =>
        services.AddHostedService<OutboxWorker>().AddHostedService<SentCopies.SentCopyWorker>();
}
