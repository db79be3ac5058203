using Madoguchi.Core.Common;
using Madoguchi.Core.Plans;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Plans;

/// <summary>An option request: quantities of extra users, storage (GB) and inboxes, and/or <c>other</c>, a free-text request.</summary>
public sealed record OptionRequestBody(int? Users, int? StorageGb, int? Inboxes, string? Other)
{
    public OptionRequestInput ToInput() => new(Users ?? 0, StorageGb ?? 0, Inboxes ?? 0, Other);
}

/// <summary>An operator's decision: the note the account's owners read with the answer.</summary>
public sealed record DecideOptionRequestBody(string? Note);

public sealed record AssignPlanBody(Guid PlanId);

public sealed record OptionPriceBody(int MonthlyPriceYen);

public static class PlanEndpoints
{
    /// <summary>The owner's side (システム設定 › プランとオプション): owners only, others get 403 owners_only.</summary>
    public static void MapPlanEndpoints(this RouteGroupBuilder users)
    {
        var account = users.MapGroup("/account").WithTags("Plan and options");
        account.MapGet("/plan", async (GetAccountPlanQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), ct)).ToHttp())
            .Produces<AccountPlanView>()
            .WithSummary("ご契約中のプラン内容: the account's plan, approved options, limits against current use and monthly total (owners only).");
        account.MapGet("/option-requests", async (ListAccountOptionRequestsQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), ct)).ToHttp())
            .Produces<IReadOnlyList<OptionRequestView>>()
            .WithSummary("The account's option requests, newest first, pending or with the operator's answer and note (owners only).");
        account.MapPost("/option-requests/quote", async (OptionRequestBody body, QuoteOptionRequestQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), body.ToInput(), ct)).ToHttp())
            .Produces<OptionCost>()
            .WithSummary("What a request would add per month and cost for the first month if approved today (pro-rated over a 30-day month); nothing is requested (owners only).");
        account.MapPost("/option-requests", async (OptionRequestBody body, RequestOptionsCommand command, HttpContext context, CancellationToken ct) =>
        {
            var result = await command.HandleAsync(context.GetActor(), body.ToInput(), ct);
            return result.Succeeded
                ? TypedResults.Created($"/api/v1/account/option-requests/{result.Value!.Id}", result.Value)
                : ApiResults.Problem(result.Error!);
        }).Produces<OptionRequestView>(StatusCodes.Status201Created)
            .WithSummary("Request extra users, storage (GB) and inboxes and/or another option in free text; pending until an operator decides (owners only).");
    }

    /// <summary>The operator's side: the plans and options catalogues, assigning plans, the option request queue. Operator
    /// sessions and operator tokens only.</summary>
    public static void MapPlanOperatorEndpoints(this RouteGroupBuilder api)
    {
        var operators = api.MapGroup("/operator").WithTags("Operator").RequireAuthorization(AuthenticationSetup.OperatorPolicy);
        operators.MapGet("/plans", async (ListPlansQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), ct)).ToHttp())
            .Produces<IReadOnlyList<PlanView>>().WithSummary("The plans catalogue.");
        operators.MapPost("/plans", async (SavePlanRequest request, SavePlanCommand command, HttpContext context, CancellationToken ct) =>
        {
            var result = await command.HandleAsync(context.GetActor(), null, request, ct);
            return result.Succeeded ? TypedResults.Created($"/api/v1/operator/plans/{result.Value!.Id}", result.Value) : ApiResults.Problem(result.Error!);
        }).Produces<PlanView>(StatusCodes.Status201Created).WithSummary("Add a plan: bundled users, inboxes and storage, monthly price in yen, features.");
        operators.MapPut("/plans/{id:guid}", async (Guid id, SavePlanRequest request, SavePlanCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, request, ct)).ToHttp())
            .Produces<PlanView>().WithSummary("Change a plan; every account on it gets the new limits at once.");
        operators.MapGet("/options", async (ListOptionPricesQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), ct)).ToHttp())
            .Produces<IReadOnlyList<OptionPriceView>>().WithSummary("The options catalogue: monthly price per extra user, per GB of storage, per inbox.");
        operators.MapPut("/options/{kind}", async (string kind, OptionPriceBody body, SetOptionPriceCommand command, HttpContext context, CancellationToken ct) =>
            ApiResults.TryFilter<OptionKind>(kind, "kind", out var parsed, out var problem) && parsed is { } k
                ? (await command.HandleAsync(context.GetActor(), k, body.MonthlyPriceYen, ct)).ToHttp()
                : problem ?? ApiResults.Invalid("invalid_kind", "Name the option: users, storageGb or inboxes."))
            .Produces<OptionPriceView>().WithSummary("Set the monthly price of one unit of an option (users, storageGb, inboxes); requests keep the price they were made at.");
        operators.MapGet("/option-requests", async (string? state, ListOptionRequestsQuery query, HttpContext context, CancellationToken ct) =>
            ApiResults.TryFilter<OptionRequestState>(state, "state", out var filter, out var problem)
                ? (await query.HandleAsync(context.GetActor(), filter, ct)).ToHttp()
                : problem!)
            .Produces<IReadOnlyList<OptionRequestView>>().WithSummary("Option requests of every account, pending first (filter: state=pending|approved|rejected).");
        operators.MapPost("/option-requests/{id:guid}/approve", async (Guid id, DecideOptionRequestBody body, DecideOptionRequestCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, approve: true, body.Note, ct)).ToHttp())
            .Produces<OptionRequestView>().WithSummary("Approve a pending request with a note: the account's limits rise at once; 409 already_decided.");
        operators.MapPost("/option-requests/{id:guid}/reject", async (Guid id, DecideOptionRequestBody body, DecideOptionRequestCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, approve: false, body.Note, ct)).ToHttp())
            .Produces<OptionRequestView>().WithSummary("Reject a pending request with a note the owners read; 409 already_decided.");
        operators.MapGet("/accounts/{id:guid}/plan", async (Guid id, GetAccountPlanForOperatorQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .Produces<AccountPlanView>().WithSummary("One account's plan, options, limits against current use and monthly total.");
        operators.MapPut("/accounts/{id:guid}/plan", async (Guid id, AssignPlanBody body, AssignPlanCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, body.PlanId, ct)).ToHttp())
            .Produces<PlanView>().WithSummary("Put an account on a plan; its limits change at once.");
    }
}
