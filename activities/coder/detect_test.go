package coder_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/activities/coder"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
)

func TestChooseBackendForEachKindOfDeployment(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts fakecoder.Options
		pref string
		want coder.Kind
		err  string
	}{
		{name: "ESR with tasks only", opts: fakecoder.Options{API: fakecoder.APITasks}, pref: "auto", want: coder.KindTask},
		{name: "v2.38 with chats only", opts: fakecoder.Options{API: fakecoder.APIChats}, pref: "auto", want: coder.KindChat},
		{name: "v2.37 with both", opts: fakecoder.Options{API: fakecoder.APIBoth}, pref: "auto", want: coder.KindChat},
		{name: "old experimental chats", opts: fakecoder.Options{API: fakecoder.APIChats, ChatsExperimental: true}, pref: "", want: coder.KindChat},
		{name: "both, tasks asked for", opts: fakecoder.Options{API: fakecoder.APIBoth}, pref: "tasks", want: coder.KindTask},
		{name: "tasks asked for, gone", opts: fakecoder.Options{API: fakecoder.APIChats}, pref: "tasks", err: "removed in Coder v2.38"},
		{name: "chats asked for, absent", opts: fakecoder.Options{API: fakecoder.APITasks}, pref: "chats", err: "has no Chats API"},
		{name: "bad preference", opts: fakecoder.Options{}, pref: "robots", err: "not auto, tasks or chats"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Token = token
			f := fakecoder.New(tc.opts)
			defer f.Close()
			got, err := coder.Choose(context.Background(), coder.NewClient(f.URL(), token, nil), tc.pref)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got.Kind != tc.want || got.Reason == "" {
				t.Fatalf("Choose = %+v, %v; want %s with a reason", got, err, tc.want)
			}
		})
	}
}

func TestChooseWithNeitherAPIOrABadToken(t *testing.T) {
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	_, err := coder.Choose(context.Background(), coder.NewClient(plain.URL, token, nil), "auto")
	if !errors.Is(err, coder.ErrNoAgentAPI) {
		t.Fatalf("err = %v, want ErrNoAgentAPI", err)
	}
	f := fakecoder.New(fakecoder.Options{Token: token})
	defer f.Close()
	_, err = coder.Choose(context.Background(), coder.NewClient(f.URL(), "not-the-token", nil), "auto")
	if err == nil || !strings.Contains(err.Error(), "refused CODER_TOKEN") || strings.Contains(err.Error(), "not-the-token") {
		t.Fatalf("err = %v, want a clear word on the token, without it", err)
	}
}
