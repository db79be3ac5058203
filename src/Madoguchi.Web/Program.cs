using Madoguchi.Core.Accounts;
using Madoguchi.Core.Bounces;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Plans;
using Madoguchi.Core.Receiving;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Search;
using Madoguchi.Core.Retention;
using Madoguchi.Core.Runtime;
using Madoguchi.Core.Sending;
using Madoguchi.Core.Status.Monitoring;
using Madoguchi.Core.Status.SupportDesk;
using Madoguchi.Core.Status;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using Madoguchi.Web.Api;
using Madoguchi.Web.Authentication;
using Madoguchi.Web.Cli;
using Madoguchi.Web.Health;
using Madoguchi.Web.Hosting;
using Madoguchi.Web.Telemetry;
using Madoguchi.Web.Ui;
using Madoguchi.Web.Ui.Status;

// Before the host starts its threads: fewer C allocator arenas, less freed memory held in them.
NativeHeap.LimitArenas();
var commandLine = AdminCommandLine.Parse(args);
if (commandLine is { NeedsServices: false })
    return await commandLine.RunAsync(EmptyServices.Instance, Console.In, Console.Out, Console.Error);
var builder = MadoguchiHost.CreateBuilder(commandLine?.HostArgs ?? args);

builder.AddReverseProxySupport();
builder.Services.AddDatabaseMigrationAtStartup();
builder.Services.AddNativeHeapTrimming();
builder.Services.AddMadoguchiData(builder.Configuration);
builder.Services.AddAccounts(builder.Configuration);
builder.Services.AddPlans(builder.Configuration);
builder.Services.AddInboxes();
builder.Services.AddTickets();
builder.Services.AddBounces();
builder.Services.AddInboundPipeline();
builder.Services.AddSearch(builder.Configuration);
builder.Services.AddReceiving(builder.Configuration);
builder.Services.AddMailFetchWorker();
builder.Services.AddSending(builder.Configuration);
builder.Services.AddOutboxWorker();
builder.Services.AddMonitoring(builder.Configuration);
builder.Services.AddSupportDesk(builder.Configuration);
builder.Services.AddStatusPage(builder.Configuration);
builder.Services.AddStorageUse(builder.Configuration);
builder.Services.AddRetention(builder.Configuration);
builder.AddMadoguchiAuthentication();
builder.AddPublicLinks();
builder.AddSecurityHeaders();
builder.AddTelemetry();
builder.AddApi();
builder.AddUi();

var app = builder.Build();

if (commandLine is not null)
{
    await app.Services.MigrateDatabaseAsync();
    return await commandLine.RunAsync(app.Services, Console.In, Console.Out, Console.Error);
}

app.UseReverseProxySupport();
app.UseSecurityHeaders();
app.UseMetricsEndpoint();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseSameOriginApiGuard();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapHealth();
app.MapApi();
app.MapUi();
app.MapStatusPage();

await app.RunAsync();
return 0;

public partial class Program;
