using System.Text.Json;
using System.Text.Json.Serialization;
using Feedback.Api.Features.Cases;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Http;
using Feedback.Api.Infrastructure.Localization;
using Feedback.Api.Infrastructure.Time;
using FluentValidation;
using Mediator;

namespace Feedback.Api.Features.FollowUp;

/// <summary>
/// 回访评价: the citizen says whether the problem was solved and whether they are satisfied, once,
/// while the case is resolved and within the evaluation window. That ends the case: it closes.
/// </summary>
public static class EvaluateComplaint
{
    /// <param name="Solved">yes, partly or no.</param>
    /// <param name="Satisfaction">satisfied (满意), basically_satisfied (基本满意) or dissatisfied (不满意).</param>
    /// <param name="Comment">Optional words for the section, at most 500 characters.</param>
    public sealed record Request(
        [property: JsonRequired] EvaluationSolved Solved,
        [property: JsonRequired] EvaluationSatisfaction Satisfaction,
        string? Comment = null);

    public sealed record Command(string TrackingCode, string? QueryPassword, EvaluationSolved Solved, EvaluationSatisfaction Satisfaction, string? Comment)
        : ICommand<Result>;

    public sealed record Result(string TrackingCode, ComplaintStatus Status, DateTimeOffset EvaluatedAt);

    public const int MaxCommentLength = 500;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            // Numbers pass the JSON enum converter ("solved": 7); only the named values are answers.
            RuleFor(c => c.Solved).IsInEnum().WithMessage(_ => Lang.Pick("请选择问题是否解决", "Choose whether the problem was solved"));
            RuleFor(c => c.Satisfaction).IsInEnum().WithMessage(_ => Lang.Pick("请选择满意程度", "Choose how satisfied you are"));
            RuleFor(c => c.Comment).OptionalText(MaxCommentLength);
        }
    }

    public sealed class Handler(CitizenAccess access, FollowUpCases cases, FeedbackOptions options) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var id = await access.VerifyAsync(command.TrackingCode, command.QueryPassword, cancellationToken);
            var current = await cases.LockAsync(id, cancellationToken);
            if (FollowUpRules.WhyNoEvaluation(current.State, cases.Today, options.EvaluationDays) is { } refusal)
                throw new ProblemException(StatusCodes.Status409Conflict, refusal);

            var solved = JsonNamingPolicy.SnakeCaseLower.ConvertName(command.Solved.ToString());
            var satisfaction = JsonNamingPolicy.SnakeCaseLower.ConvertName(command.Satisfaction.ToString());
            await cases.UpdateAsync(id,
                """
                status = 'closed', closed_at = @now,
                evaluation_solved = @solved, evaluation_satisfaction = @satisfaction, evaluated_at = @now
                """, new { solved, satisfaction }, cancellationToken);
            await cases.RecordEventAsync(id, "evaluated", "citizen", ComplaintText.Clean(command.Comment), new { solved, satisfaction }, cancellationToken);
            await cases.RecordEventAsync(id, "closed", "system", null, new { reason = "evaluated" }, cancellationToken);
            return new Result(current.TrackingCode, ComplaintStatus.Closed, cases.Now);
        }
    }
}
