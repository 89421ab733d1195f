using Feedback.Api.Features.Cases;
using Feedback.Api.Features.Categories;
using Feedback.Api.Infrastructure;
using Feedback.Api.Infrastructure.Localization;
using FluentValidation;
using FluentValidation.Results;

namespace Feedback.Api.Features.Complaints;

/// <summary>
/// What guided reporting adds to a complaint, checked against the catalog in memory before any
/// transaction: the answers to the category's questions, a township from the list, and a map pin
/// inside the service area.
/// </summary>
public abstract class GuidedFields<T> : AbstractValidator<T> where T : SubmitComplaint.IComplaintFields
{
    /// <param name="enforceRequired">Citizens must answer required questions; staff registering a call or letter need not.</param>
    protected GuidedFields(CategoryCatalog catalog, FeedbackOptions options, bool enforceRequired)
    {
        RuleFor(c => c).CustomAsync(async (complaint, context, _) =>
        {
            if (string.IsNullOrEmpty(complaint.CategoryCode)) return;
            var questions = (await catalog.FindActiveCategoryAsync(complaint.CategoryCode))?.Questions;
            if (questions is null) return; // an unknown category is CategoryIsKnown's to report
            foreach (var (key, message) in CategoryQuestions.CheckAnswers(questions, complaint.Answers, enforceRequired))
                context.AddFailure(new ValidationFailure(key is null ? "answers" : $"answers.{key}", message));
        });

        RuleFor(c => c.Township)
            .MustAsync(async (township, _) => ComplaintText.Clean(township) is not { } name || await catalog.FindActiveTownshipAsync(name) is not null)
            .WithMessage(_ => Lang.Pick("请从列表中选择乡镇（街道）", "Choose a township from the list"));

        RuleFor(c => c).Custom((complaint, context) =>
        {
            foreach (var (field, message) in CheckPin(complaint.Latitude, complaint.Longitude, options.ServiceArea))
                context.AddFailure(new ValidationFailure(field, message));
        });
    }

    /// <summary>Both coordinates or neither, finite, inside the service area.</summary>
    public static IEnumerable<(string Field, string Message)> CheckPin(double? latitude, double? longitude, ServiceArea area)
    {
        if (latitude is null && longitude is null) yield break;
        if (latitude is null || longitude is null)
        {
            yield return (latitude is null ? "latitude" : "longitude", Lang.Pick("经纬度须同时填写", "Give both latitude and longitude"));
            yield break;
        }
        if (!double.IsFinite(latitude.Value) || !double.IsFinite(longitude.Value))
        {
            yield return (double.IsFinite(latitude.Value) ? "longitude" : "latitude", Lang.Pick("坐标不是有效数字", "Not a valid number"));
            yield break;
        }
        if (!area.Contains(latitude.Value, longitude.Value))
        {
            var message = Lang.Pick("位置不在本局的服务范围内", "The pin is outside the service area");
            yield return ("latitude", message);
            yield return ("longitude", message);
        }
    }
}
