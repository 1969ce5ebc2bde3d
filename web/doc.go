// Package web is the billing workspace's pages: server-rendered HTML from
// html/template, with the stylesheet, scripts and templates embedded. Its
// centre is the per diem calendar of an episode, which shows for every
// therapy and day what the engine decided and the rule that decided it.
package web
