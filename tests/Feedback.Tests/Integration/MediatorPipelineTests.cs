using Dapper;
using Feedback.Api.Features.Complaints;
using Feedback.Api.Infrastructure.Database;
using Feedback.Api.Infrastructure.Mediator;
using Feedback.Tests.Support;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Feedback.Tests.Integration;

/// <summary>The pipeline's promises: invalid messages never reach a handler; a command stores all or nothing.</summary>
public sealed class MediatorPipelineTests : IntegrationTest
{
    private const string InsertComplaint =
        """
        insert into complaints (tracking_code, query_password_hash, category_code, description, section_code, submitted_at, accept_by, due_on, updated_at)
        values ('23456789ABCD', 'v1$x$y', 'other', '流水线测试', 'office', now(), current_date, current_date, now())
        """;

    [Test]
    public async Task A_command_whose_handler_fails_after_writing_stores_nothing()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var transaction = scope.ServiceProvider.GetRequiredService<WriteTransaction>();
        var behavior = new TransactionBehavior<SubmitComplaint.Command, int>(transaction);

        Assert.ThrowsAsync<InvalidOperationException>(async () => await behavior.Handle(
            new SubmitComplaint.Command("other", "x"),
            async (_, cancellationToken) =>
            {
                await transaction.ExecuteAsync(InsertComplaint, null, cancellationToken);
                throw new InvalidOperationException("the handler failed half way");
            },
            CancellationToken.None));
        await transaction.DisposeAsync();

        Assert.That(await CountAsync("complaints"), Is.Zero);
    }

    [Test]
    public async Task A_command_whose_handler_returns_is_committed()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var transaction = scope.ServiceProvider.GetRequiredService<WriteTransaction>();
        var behavior = new TransactionBehavior<SubmitComplaint.Command, int>(transaction);

        await behavior.Handle(new SubmitComplaint.Command("other", "x"),
            (_, cancellationToken) => new ValueTask<int>(transaction.ExecuteAsync(InsertComplaint, null, cancellationToken)),
            CancellationToken.None);

        Assert.That(await CountAsync("complaints"), Is.EqualTo(1));
    }

    [Test]
    public async Task An_invalid_command_never_reaches_its_handler()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();

        var error = Assert.ThrowsAsync<ValidationException>(async () =>
            await mediator.Send(new SubmitComplaint.Command("air.odor", "   ")));
        Assert.Multiple(async () =>
        {
            Assert.That(error!.Errors.Select(e => e.PropertyName), Is.EquivalentTo(new[] { "Description" }));
            Assert.That(await CountAsync("complaints"), Is.Zero);
        });
    }

    [Test]
    public async Task A_valid_command_runs_through_the_whole_pipeline_and_commits()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();

        var result = await mediator.Send(new SubmitComplaint.Command("air.dust", "渣土车沿路撒漏，扬尘很大"));

        await using var connection = new Npgsql.NpgsqlConnection(TestEnvironment.Database.ConnectionString);
        var stored = await connection.QuerySingleAsync<string>(
            "select status from complaints where tracking_code = @code", new { code = result.TrackingCode });
        Assert.That(stored, Is.EqualTo("submitted"));
    }

    [Test]
    public async Task Writing_outside_a_command_transaction_is_refused()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var transaction = scope.ServiceProvider.GetRequiredService<WriteTransaction>();
        Assert.ThrowsAsync<InvalidOperationException>(() => transaction.ExecuteAsync(InsertComplaint, null, CancellationToken.None));
    }
}
