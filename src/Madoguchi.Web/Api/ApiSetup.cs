using System.Text.Json;
using System.Text.Json.Serialization;
using Madoguchi.Web.Api.Accounts;
using Madoguchi.Web.Api.Audit;
using Madoguchi.Web.Api.Inboxes;
using Madoguchi.Web.Api.OpenApi;
using Madoguchi.Web.Api.Operators;
using Madoguchi.Web.Api.Search;
using Madoguchi.Web.Api.Plans;
using Madoguchi.Web.Api.Tickets;
using Madoguchi.Web.Api.Receiving;
using Madoguchi.Web.Api.Sending;
using Madoguchi.Web.Api.SupportDesk;
using Madoguchi.Web.Api.Status;
using Madoguchi.Web.Api.Storage;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api;

public static class ApiSetup
{
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddMadoguchiOpenApi();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        return builder;
    }

    /// <summary>REST API under /api/v1 and its OpenAPI document at /openapi/v1.json.</summary>
    public static WebApplication MapApi(this WebApplication app)
    {
        app.MapOpenApi();
        var api = app.MapGroup("/api/v1");
        api.MapSessionEndpoints();
        api.MapInvitationEndpoints();
        var users = api.MapGroup("").RequireAuthorization(AuthenticationSetup.UserPolicy);
        users.MapMeEndpoints();
        users.MapAccountEndpoints();
        users.MapUserEndpoints();
        users.MapInboxEndpoints();
        users.MapReceivingEndpoints();
        users.MapSendingEndpoints();
        users.MapDraftEndpoints();
        users.MapUploadEndpoints();
        users.MapComposeEndpoints();
        users.MapAuditEndpoints();
        users.MapTicketEndpoints();
        users.MapTicketTeamEndpoints();
        users.MapSearchEndpoints();
        users.MapNoticeEndpoints();
        users.MapStorageEndpoints();
        users.MapPlanEndpoints();
        api.MapOperatorEndpoints();
        api.MapPlanOperatorEndpoints();
        api.MapSupportDeskOperatorEndpoints();
        api.MapSupportDeskPublicEndpoints();
        api.MapStatusOperatorEndpoints();
        api.MapOperatorStorageEndpoints();
        return app;
    }
}
