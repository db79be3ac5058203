using Madoguchi.Core.Common;
using Madoguchi.Core.Receiving.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Search;

public static class SearchServiceCollectionExtensions
{
    /// <summary>Search: the index writer, the pipeline's indexing step, the background postings writer, the search query and
    /// the rebuild command.</summary>
    public static IServiceCollection AddSearch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SearchIndexOptions>().Bind(configuration.GetSection(SearchIndexOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<SearchIndexWriter>();
        services.AddScoped<IInboundStep, SearchFoldStep>();
        services.AddScoped<IInboundStep, SearchIndexStep>();
        services.AddHostedService<SearchIndexWorker>();
        return services.AddHandlersIn("Madoguchi.Core.Search");
    }
}
