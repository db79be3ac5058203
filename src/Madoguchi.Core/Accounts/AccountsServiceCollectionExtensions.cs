using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Accounts.Passwords;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Operators;
using Madoguchi.Core.Operators.TwoFactor;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Accounts;

public static class AccountsServiceCollectionExtensions
{
    /// <summary>Accounts, users, owners, lockout, invitations, API tokens, the audit trail, operators and first-run setup.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SignInLockoutOptions>().Bind(configuration.GetSection(SignInLockoutOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PasswordHashingOptions>().Bind(configuration.GetSection(PasswordHashingOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        // PasswordHasher's format V3 (PBKDF2-HMAC-SHA512) with our iteration count; older hashes say "rehash needed".
        services.AddOptions<PasswordHasherOptions>().Configure<IOptions<PasswordHashingOptions>>((hasher, ours) =>
        {
            hasher.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            hasher.IterationCount = ours.Value.Iterations;
        });
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddSingleton<IPasswordHasher<Operator>, PasswordHasher<Operator>>();
        services.AddSingleton<DummyPasswordCheck>();
        services.AddSingleton<UnknownAddressLockout>();
        services.AddScoped<AuditTrail>();
        services.AddSingleton<TotpSecretProtector>();
        services.AddHandlersIn("Madoguchi.Core.Accounts");
        services.AddHandlersIn("Madoguchi.Core.Audit");
        services.AddHandlersIn("Madoguchi.Core.Operators");
        services.AddHandlersIn("Madoguchi.Core.Setup");
        return services;
    }
}
