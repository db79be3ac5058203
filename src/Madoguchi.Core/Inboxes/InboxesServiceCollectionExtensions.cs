using Madoguchi.Core.Common;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Inboxes;

public static class InboxesServiceCollectionExtensions
{
    public static IServiceCollection AddInboxes(this IServiceCollection services) => services.AddHandlersIn("Madoguchi.Core.Inboxes");
}
