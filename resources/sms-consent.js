// The "Opt-out list" section of the SMS sidebar (SPEC §8): each account's list (number, since
// when, why), and a person adding, removing, importing and exporting it as CSV. The runtime
// side is the admin routes under sms-consent/ (src/plugins/simulator/consent-routes.ts).
(function () {
  'use strict';
  var NS = '@smsflow/node-red-sms/sms-simulator:';
  /** Rows shown at once; the rest are found with the filter, or in the export. */
  var SHOWN = 200;
  var ui;
  var accounts = [];
  var entries = [];

  function _(key, subs) {
    return RED._(NS + 'consent.' + key, subs);
  }

  function errorOf(xhr, key) {
    return (xhr.responseJSON && xhr.responseJSON.error) || _(key, { status: xhr.status });
  }

  function say(text, bad) {
    ui.message.text(text || '').toggleClass('sms-consent-bad', !!bad).toggle(!!text);
  }

  function account() {
    return ui.account.val();
  }

  function when(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? iso : d.toLocaleString();
  }

  function renderEntries() {
    ui.rows.empty();
    var filter = (ui.filter.val() || '').replace(/[\s\-().]/g, '');
    var matching = entries.filter(function (e) { return !filter || e.number.indexOf(filter) >= 0; });
    ui.count.text(_('count', { count: entries.length }));
    if (!entries.length) $('<div class="sms-consent-empty">').text(_('empty')).appendTo(ui.rows);
    matching.slice(0, SHOWN).forEach(function (e) {
      var row = $('<div class="sms-consent-entry">').attr('data-number', e.number).appendTo(ui.rows);
      var text = $('<div class="sms-consent-entry-text">').appendTo(row);
      $('<span class="sms-consent-number">').text(e.number).appendTo(text);
      $('<span class="sms-consent-why">').text(_('why.' + e.why) + (e.detail ? ' · ' + e.detail : '')).appendTo(text);
      $('<span class="sms-consent-since">').text(_('since', { when: when(e.since) })).appendTo(text);
      if (e.unsaved) $('<span class="sms-consent-why sms-consent-unsaved">').text(_('unsaved')).appendTo(text);
      $('<button type="button" class="red-ui-button red-ui-button-small sms-consent-remove">')
        .attr('title', _('remove'))
        .append('<i class="fa fa-times"></i>')
        .appendTo(row)
        .on('click', function () { remove(e.number); });
    });
    if (matching.length > SHOWN) $('<div class="sms-consent-empty">').text(_('more', { count: matching.length - SHOWN })).appendTo(ui.rows);
  }

  function loadEntries() {
    var key = account();
    ui.body.toggle(!!key);
    if (!key) {
      entries = [];
      return;
    }
    $.getJSON('sms-consent/lists', { account: key }).done(function (data) {
      if (key !== account()) return;
      entries = data.entries || [];
      renderEntries();
    }).fail(function (xhr) { say(errorOf(xhr, 'errors.list'), true); });
  }

  function refresh() {
    if (!ui) return;
    $.getJSON('sms-consent/lists').done(function (data) {
      accounts = data.accounts || [];
      var chosen = account();
      ui.account.empty();
      accounts.forEach(function (a) {
        var names = a.names.length ? a.names.join(', ') + ' — ' : '';
        $('<option>').val(a.key).text(names + a.label).appendTo(ui.account);
      });
      if (chosen && accounts.some(function (a) { return a.key === chosen; })) ui.account.val(chosen);
      ui.none.toggle(!accounts.length);
      ui.accountRow.toggle(accounts.length > 0);
      loadEntries();
    }).fail(function (xhr) { say(errorOf(xhr, 'errors.list'), true); });
  }

  function post(path, data) {
    return $.ajax({ url: 'sms-consent/' + path, method: 'POST', contentType: 'application/json', data: JSON.stringify(data) });
  }

  function add() {
    var number = ui.number.val().trim();
    if (!number) return;
    post('add', { account: account(), number: number, detail: ui.detail.val().trim() }).done(function (result) {
      ui.number.val('');
      ui.detail.val('');
      say(result.added ? _('added', { number: result.entry.number }) : _('already', { number: result.entry.number }));
      loadEntries();
    }).fail(function (xhr) { say(errorOf(xhr, 'errors.add'), true); });
  }

  function remove(number) {
    post('remove', { account: account(), number: number }).done(function () {
      say(_('removed', { number: number }));
      loadEntries();
    }).fail(function (xhr) { say(errorOf(xhr, 'errors.remove'), true); });
  }

  function importFile(file) {
    var reader = new FileReader();
    reader.onload = function () {
      post('import', { account: account(), csv: String(reader.result) }).done(function (r) {
        var text = _('imported', { added: r.added, already: r.alreadyListed, skipped: r.skippedCount });
        say(r.skipped && r.skipped.length ? text + ' ' + r.skipped.slice(0, 3).join('; ') : text, r.skippedCount > 0);
        loadEntries();
      }).fail(function (xhr) { say(errorOf(xhr, 'errors.import'), true); });
    };
    reader.readAsText(file);
  }

  // Through $.ajax, which carries the editor's access token (a plain link would not), then saved as a file.
  function exportCsv() {
    var key = account();
    $.ajax({ url: 'sms-consent/export', data: { account: key }, dataType: 'text' }).done(function (csv) {
      var link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      link.download = 'opt-out-' + key.replace(/[^A-Za-z0-9_-]+/g, '-') + '.csv';
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    }).fail(function (xhr) { say(errorOf(xhr, 'errors.export'), true); });
  }

  /** Builds the section into `container` (the SMS sidebar calls it once). */
  function mount(container) {
    if (ui) return;
    ui = {};
    var section = $('<div class="sms-consent" id="sms-consent">').appendTo(container);
    $('<div class="red-ui-sidebar-header sms-consent-header">').text(_('title')).appendTo(section);
    ui.none = $('<div class="sms-consent-empty">').text(_('noAccount')).hide().appendTo(section);
    ui.accountRow = $('<div class="sms-consent-row">').appendTo(section);
    $('<label for="sms-consent-account">').text(_('account')).appendTo(ui.accountRow);
    ui.account = $('<select id="sms-consent-account">').appendTo(ui.accountRow).on('change', function () { say(''); loadEntries(); });

    ui.body = $('<div class="sms-consent-body">').hide().appendTo(section);
    var addRow = $('<div class="sms-consent-row">').appendTo(ui.body);
    ui.number = $('<input type="text" id="sms-consent-number">').attr('placeholder', _('numberPlaceholder')).appendTo(addRow)
      .on('keydown', function (ev) { if (ev.key === 'Enter') add(); });
    ui.detail = $('<input type="text" id="sms-consent-detail">').attr('placeholder', _('detailPlaceholder')).appendTo(addRow)
      .on('keydown', function (ev) { if (ev.key === 'Enter') add(); });
    $('<button type="button" class="red-ui-button" id="sms-consent-add">').text(_('add')).appendTo(addRow).on('click', add);

    var tools = $('<div class="sms-consent-row">').appendTo(ui.body);
    ui.filter = $('<input type="text" id="sms-consent-filter">').attr('placeholder', _('filter')).appendTo(tools).on('input', renderEntries);
    var file = $('<input type="file" id="sms-consent-file" accept=".csv,text/csv,text/plain">').hide().appendTo(tools)
      .on('change', function () {
        if (this.files && this.files[0]) importFile(this.files[0]);
        this.value = '';
      });
    $('<button type="button" class="red-ui-button" id="sms-consent-import">').text(_('import')).appendTo(tools).on('click', function () { file.trigger('click'); });
    $('<button type="button" class="red-ui-button" id="sms-consent-export">').text(_('export')).appendTo(tools).on('click', exportCsv);

    ui.message = $('<div class="sms-consent-message" id="sms-consent-message">').hide().appendTo(ui.body);
    ui.count = $('<div class="sms-consent-count" id="sms-consent-count">').appendTo(ui.body);
    ui.rows = $('<div class="sms-consent-entries" id="sms-consent-entries">').appendTo(ui.body);
    $('<div class="form-tips sms-consent-tip">').text(_('tip')).appendTo(section);

    RED.comms.subscribe('sms-consent/changed', function (topic, change) {
      if (change && change.account === account()) loadEntries();
      else if (change && !accounts.some(function (a) { return a.key === change.account; })) refresh();
    });
    RED.events.on('deploy', function () { setTimeout(refresh, 300); });
    refresh();
  }

  var STYLE = [
    '.sms-consent { padding-bottom: 8px; }',
    '.sms-consent * { min-width: 0; box-sizing: border-box; }',
    '.sms-consent-header { position: static; justify-content: flex-start; text-align: left; font-weight: bold; }',
    '.sms-consent-row { display: flex; gap: 6px; align-items: center; padding: 4px 8px; flex-wrap: wrap; }',
    '.sms-consent-row label { flex: none; width: 70px; margin: 0; }',
    '.sms-consent-row select, .sms-consent-row input[type=text] { flex: 1 1 90px; width: 0; margin: 0; }',
    '.sms-consent-row button { flex: none; }',
    '.sms-consent-entries { margin: 0 8px; max-height: 320px; overflow-y: auto; border: 1px solid var(--red-ui-secondary-border-color, #ddd); border-radius: 4px; }',
    '.sms-consent-entry { display: flex; gap: 6px; align-items: center; padding: 3px 6px; border-bottom: 1px solid var(--red-ui-secondary-border-color, #eee); }',
    '.sms-consent-entry-text { flex: 1; display: flex; flex-direction: column; overflow-wrap: anywhere; }',
    '.sms-consent-number { font-family: monospace; }',
    '.sms-consent-why, .sms-consent-since { font-size: 11px; color: var(--red-ui-secondary-text-color, #777); }',
    '.sms-consent-count { padding: 2px 8px; font-size: 11px; color: var(--red-ui-secondary-text-color, #777); }',
    '.sms-consent-message { padding: 2px 8px; font-size: 11px; overflow-wrap: anywhere; }',
    '.sms-consent-bad { color: #d6615e; }',
    '.sms-consent-empty { padding: 8px; color: var(--red-ui-secondary-text-color, #777); font-style: italic; }',
    '.sms-consent-tip { margin: 8px; }'
  ].join('\n');
  $('<style id="sms-consent-style">').text(STYLE).appendTo('head');

  window.SmsConsent = { mount: mount, refresh: refresh };
  // The sidebar may have been built before this file arrived: it left a place for the section.
  $(function () {
    var place = $('#sms-consent-place');
    if (place.length) mount(place);
  });
})();
