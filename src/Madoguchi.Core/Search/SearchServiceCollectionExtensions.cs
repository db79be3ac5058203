using Madoguchi.Core.Common;
using Madoguchi.Core.Receiving.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Search;

public static class SearchServiceCollectionExtensions
{
    /// <summary>Search: the index writer, the pipeline's indexing step, the search query and the rebuild command.</summary>
    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddScoped<SearchIndexWriter>();
        services.AddScoped<IInboundStep, SearchIndexStep>();
        return services.AddHandlersIn("Madoguchi.Core.Search");
    }
}
