// The "Outbound queue" section of the SMS sidebar (SPEC §8): per account what sms send has
// waiting, sending and scheduled, the first jobs (to, when due, which node queued them), and
// a person pausing, resuming or clearing the account's queue. The runtime side is the admin
// routes under sms-queue/ (src/plugins/simulator/queue-routes.ts).
(function () {
  'use strict';
  var NS = '@smsflow/node-red-sms/sms-simulator:';
  /** Jobs shown per account. */
  var SHOWN = 10;
  /** While the sidebar shows the section, it is read again this often (jobs come and go on their own). */
  var EVERY_MS = 3000;
  var ui;
  var timer;

  function _(key, subs) {
    return RED._(NS + 'queue.' + key, subs);
  }

  function errorOf(xhr, key) {
    return (xhr.responseJSON && xhr.responseJSON.error) || _(key, { status: xhr.status });
  }

  function say(text, bad) {
    ui.message.text(text || '').toggleClass('sms-queue-bad', !!bad).toggle(!!text);
  }

  function when(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? iso : d.toLocaleString();
  }

  function post(path, account) {
    return $.ajax({ url: 'sms-queue/' + path, method: 'POST', contentType: 'application/json', data: JSON.stringify({ account: account.id }) });
  }

  function setPaused(account, paused) {
    post(paused ? 'pause' : 'resume', account).done(function () {
      say(_(paused ? 'pausedDone' : 'resumedDone', { account: account.name }));
      refresh();
    }).fail(function (xhr) { say(errorOf(xhr, 'errors.change'), true); });
  }

  function clear(account) {
    var count = account.waiting + account.scheduled;
    if (!window.confirm(_('confirmClear', { count: count, account: account.name }))) return;
    post('clear', account).done(function (r) {
      say(_('cleared', { count: r.cleared, account: account.name }));
      refresh();
    }).fail(function (xhr) { say(errorOf(xhr, 'errors.change'), true); });
  }

  function renderJob(job, into) {
    var row = $('<div class="sms-queue-job">').attr('data-job', job.id).attr('data-to', job.to).appendTo(into);
    var head = $('<div class="sms-queue-job-head">').appendTo(row);
    $('<span class="sms-queue-to">').text(job.to).appendTo(head);
    $('<span class="sms-queue-due">')
      .text(job.state === 'scheduled' ? _('dueAt', { when: when(job.dueAt) }) : _('waitingNow'))
      .appendTo(head);
    $('<div class="sms-queue-text">').text(job.text).appendTo(row);
    var meta = $('<div class="sms-queue-meta">').appendTo(row);
    $('<span>').text(_('from', { from: job.from }) + ' · ').appendTo(meta);
    $('<a href="#" class="sms-queue-node">').text(job.nodeName).appendTo(meta).on('click', function (ev) {
      ev.preventDefault();
      RED.view.reveal(job.node);
    });
  }

  function renderAccount(a) {
    var block = $('<div class="sms-queue-account">').attr('data-account', a.id).toggleClass('sms-queue-paused', a.paused).appendTo(ui.rows);
    var head = $('<div class="sms-queue-account-head">').appendTo(block);
    $('<span class="sms-queue-name">').text(a.name + (a.provider ? ' · ' + a.provider : '') + (a.deployed ? '' : ' ' + _('notDeployed'))).appendTo(head);
    if (a.paused) $('<span class="sms-queue-badge">').text(_('paused')).appendTo(head);
    var counts = $('<div class="sms-queue-counts">').text(_('counts', { waiting: a.waiting, sending: a.sending, scheduled: a.scheduled })).appendTo(block);
    counts.attr('data-waiting', a.waiting).attr('data-sending', a.sending).attr('data-scheduled', a.scheduled);
    var tools = $('<div class="sms-queue-tools">').appendTo(block);
    $('<button type="button" class="red-ui-button red-ui-button-small sms-queue-pause">')
      .append($('<i class="fa">').addClass(a.paused ? 'fa-play' : 'fa-pause')).append(' ').append($('<span>').text(_(a.paused ? 'resume' : 'pause')))
      .attr('title', _(a.paused ? 'resumeTip' : 'pauseTip'))
      .appendTo(tools).on('click', function () { setPaused(a, !a.paused); });
    $('<button type="button" class="red-ui-button red-ui-button-small sms-queue-clear">')
      .append('<i class="fa fa-trash"></i> ').append($('<span>').text(_('clear')))
      .attr('title', _('clearTip'))
      .prop('disabled', a.waiting + a.scheduled === 0)
      .appendTo(tools).on('click', function () { clear(a); });
    var jobs = $('<div class="sms-queue-jobs">').appendTo(block);
    (a.jobs || []).forEach(function (job) { renderJob(job, jobs); });
    var more = a.waiting + a.scheduled - (a.jobs || []).length;
    if (more > 0) $('<div class="sms-queue-empty">').text(_('more', { count: more })).appendTo(jobs);
    if (!(a.jobs || []).length && !more) $('<div class="sms-queue-empty">').text(_('empty')).appendTo(jobs);
  }

  function refresh() {
    if (!ui) return;
    $.getJSON('sms-queue/accounts', { jobs: SHOWN }).done(function (data) {
      var accounts = data.accounts || [];
      ui.rows.empty();
      ui.none.toggle(!accounts.length);
      accounts.forEach(renderAccount);
    }).fail(function (xhr) { say(errorOf(xhr, 'errors.list'), true); });
  }

  /** Reads the queue again every few seconds, only while the section is on screen. */
  function poll() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (ui.section.is(':visible') && !document.hidden) refresh();
      poll();
    }, EVERY_MS);
  }

  /** Builds the section into `container` (the SMS sidebar calls it once). */
  function mount(container) {
    if (ui) return;
    ui = {};
    ui.section = $('<div class="sms-queue" id="sms-queue">').appendTo(container);
    var header = $('<div class="red-ui-sidebar-header sms-queue-header">').appendTo(ui.section);
    $('<span>').text(_('title')).appendTo(header);
    $('<button type="button" class="red-ui-button red-ui-button-small sms-queue-refresh" id="sms-queue-refresh">')
      .attr('title', _('refresh'))
      .append('<i class="fa fa-refresh"></i>')
      .appendTo(header)
      .on('click', refresh);
    ui.none = $('<div class="sms-queue-empty">').text(_('noAccount')).hide().appendTo(ui.section);
    ui.message = $('<div class="sms-queue-message" id="sms-queue-message">').hide().appendTo(ui.section);
    ui.rows = $('<div class="sms-queue-accounts" id="sms-queue-accounts">').appendTo(ui.section);
    $('<div class="form-tips sms-queue-tip">').text(_('tip')).appendTo(ui.section);
    RED.events.on('deploy', function () { setTimeout(refresh, 500); });
    refresh();
    poll();
  }

  var STYLE = [
    '.sms-queue { padding-bottom: 8px; }',
    '.sms-queue * { min-width: 0; box-sizing: border-box; }',
    '.sms-queue-header { position: static; justify-content: flex-start; gap: 6px; text-align: left; font-weight: bold; }',
    '.sms-queue-account { margin: 4px 8px; padding: 4px 6px; border: 1px solid var(--red-ui-secondary-border-color, #ddd); border-radius: 4px; }',
    '.sms-queue-account-head { display: flex; gap: 6px; align-items: baseline; flex-wrap: wrap; overflow-wrap: anywhere; }',
    '.sms-queue-name { font-weight: bold; }',
    '.sms-queue-badge { font-size: 11px; padding: 0 4px; border-radius: 3px; background: #f0ad4e; color: #fff; }',
    '.sms-queue-counts, .sms-queue-meta, .sms-queue-due { font-size: 11px; color: var(--red-ui-secondary-text-color, #777); }',
    '.sms-queue-tools { display: flex; gap: 6px; padding: 4px 0; }',
    '.sms-queue-jobs { max-height: 260px; overflow-y: auto; }',
    '.sms-queue-job { padding: 3px 0; border-top: 1px solid var(--red-ui-secondary-border-color, #eee); }',
    '.sms-queue-job-head { display: flex; gap: 6px; align-items: baseline; flex-wrap: wrap; }',
    '.sms-queue-to { font-family: monospace; }',
    '.sms-queue-text { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }',
    '.sms-queue-message { padding: 2px 8px; font-size: 11px; overflow-wrap: anywhere; }',
    '.sms-queue-bad { color: #d6615e; }',
    '.sms-queue-empty { padding: 4px 0; color: var(--red-ui-secondary-text-color, #777); font-style: italic; font-size: 11px; }',
    '.sms-queue-none { padding: 8px; }',
    '.sms-queue-tip { margin: 8px; }'
  ].join('\n');
  $('<style id="sms-queue-style">').text(STYLE).appendTo('head');

  window.SmsQueue = { mount: mount, refresh: refresh };
  // The sidebar may have been built before this file arrived: it left a place for the section.
  $(function () {
    var place = $('#sms-queue-place');
    if (place.length) mount(place);
  });
})();
