using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Operators;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Accounts;

public static class AccountsServiceCollectionExtensions
{
    /// <summary>Accounts, users, owners, lockout, invitations, API tokens, the audit trail, operators and first-run setup.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SignInLockoutOptions>().Bind(configuration.GetSection(SignInLockoutOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddSingleton<IPasswordHasher<Operator>, PasswordHasher<Operator>>();
        services.AddScoped<AuditTrail>();
        services.AddHandlersIn("Madoguchi.Core.Accounts");
        services.AddHandlersIn("Madoguchi.Core.Audit");
        services.AddHandlersIn("Madoguchi.Core.Operators");
        services.AddHandlersIn("Madoguchi.Core.Setup");
        return services;
    }
}
