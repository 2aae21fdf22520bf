// The "Open questions" section of the SMS sidebar (SPEC §9): the questions sms ask waits on
// (who, what, by which node, until when), and answering one as the person: the answer is an
// ordinary simulated message from the person to our number, sent to the sms in node chosen
// in the conversation above. The runtime side: src/plugins/simulator/question-routes.ts.
(function () {
  'use strict';
  var NS = '@smsflow/node-red-sms/sms-simulator:';
  var ui;

  function _(key, subs) {
    return RED._(NS + 'questions.' + key, subs);
  }

  function when(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? iso : d.toLocaleString();
  }

  function say(text, bad) {
    ui.message.text(text || '').toggleClass('sms-questions-bad', !!bad).toggle(!!text);
  }

  function answer(q, input) {
    var text = input.val();
    var node = $('#sms-sim-node').val();
    if (!node) return say(_('noInbound'), true);
    $.ajax({
      url: 'sms-simulator/send',
      method: 'POST',
      contentType: 'application/json',
      data: JSON.stringify({ node: node, from: q.person, to: q.ours, text: text })
    }).done(function (res) {
      if (res.error) return say(res.error, true);
      var replies = (res.replies || []).filter(function (r) { return !r.none; }).map(function (r) { return r.text; });
      say(replies.length ? _('answeredReply', { reply: replies.join(' / ') }) : _('answered'));
      refresh();
    }).fail(function (xhr) {
      say((xhr.responseJSON && xhr.responseJSON.error) || _('failed', { status: xhr.status }), true);
    });
  }

  function render(questions, total) {
    ui.rows.empty();
    ui.count.text(_('count', { count: total }));
    if (!questions.length) $('<div class="sms-questions-empty">').text(_('empty')).appendTo(ui.rows);
    questions.forEach(function (q) {
      var row = $('<div class="sms-questions-row">').attr('data-question', q.id).appendTo(ui.rows);
      var head = $('<div class="sms-questions-head">').appendTo(row);
      $('<span class="sms-questions-person">').text(q.person).appendTo(head);
      $('<a href="#" class="sms-questions-node">').text(q.nodeName).appendTo(head).on('click', function (ev) {
        ev.preventDefault();
        RED.view.reveal(q.node);
      });
      $('<div class="sms-questions-text">').text(q.text).appendTo(row);
      $('<div class="sms-questions-meta">').text(_('meta', { ours: q.ours, at: when(q.at), due: when(q.dueAt) })).appendTo(row);
      var form = $('<div class="sms-questions-answer">').appendTo(row);
      var input = $('<input type="text" class="sms-questions-input">').attr('placeholder', _('placeholder', { person: q.person })).appendTo(form);
      var button = $('<button type="button" class="red-ui-button red-ui-button-small sms-questions-send">').text(_('send')).appendTo(form);
      button.on('click', function () { answer(q, input); });
      input.on('keydown', function (ev) { if (ev.key === 'Enter') answer(q, input); });
    });
  }

  function refresh() {
    if (!ui) return;
    $.getJSON('sms-simulator/questions').done(function (data) {
      render(data.questions || [], data.total || 0);
    }).fail(function (xhr) {
      ui.rows.empty();
      say((xhr.responseJSON && xhr.responseJSON.error) || _('failed', { status: xhr.status }), true);
    });
  }

  function mount(place) {
    var content = $('<div class="sms-questions">').appendTo(place);
    var header = $('<div class="red-ui-sidebar-header sms-sim-header">').appendTo(content);
    $('<span>').text(_('title')).appendTo(header);
    ui = {};
    ui.count = $('<span class="sms-questions-count">').appendTo(header);
    $('<button type="button" class="red-ui-button red-ui-button-small sms-questions-refresh">')
      .attr('title', _('refresh'))
      .append('<i class="fa fa-refresh"></i>')
      .appendTo(header)
      .on('click', refresh);
    ui.message = $('<div class="sms-questions-message">').hide().appendTo(content);
    ui.rows = $('<div class="sms-questions-rows">').appendTo(content);
    $('<div class="form-tips">').text(_('tip')).appendTo(content);
    refresh();
    // A question asked or answered by the flow shows without a click on refresh.
    RED.events.on('deploy', refresh);
    RED.comms.subscribe('sms-simulator/reply', function () { setTimeout(refresh, 300); });
  }

  window.SmsQuestions = { mount: mount, refresh: refresh };
})();
