package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
)

// LoggingInterceptor logs every failed activity attempt through
// Activities.Logger with its workflow id, run id, activity type, attempt and
// error class, so an operator can find why an issue is stuck without the
// Temporal UI. (A function, not a method: every exported method of
// Activities is registered as an activity.)
func LoggingInterceptor(a *Activities) interceptor.WorkerInterceptor {
	return &logInterceptor{a: a}
}

type logInterceptor struct {
	interceptor.WorkerInterceptorBase
	a *Activities
}

func (l *logInterceptor) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &activityLogger{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}, a: l.a}
}

type activityLogger struct {
	interceptor.ActivityInboundInterceptorBase
	a *Activities
}

func (l *activityLogger) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	res, err := l.Next.ExecuteActivity(ctx, in)
	if err != nil {
		info := activity.GetInfo(ctx)
		l.a.logger(ctx).Warn("activity attempt failed",
			"run_id", info.WorkflowExecution.RunID, "error_class", ErrorClass(err), "retryable", retryable(err), "error", err.Error())
	}
	return res, err
}

// ErrorClass names the kind of an activity error: its application error
// type, "canceled", "timeout", or "error".
func ErrorClass(err error) string {
	var ae *temporal.ApplicationError
	var te *temporal.TimeoutError
	switch {
	case errors.As(err, &ae) && ae.Type() != "":
		return ae.Type()
	case temporal.IsCanceledError(err), errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &te), errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "error"
}
