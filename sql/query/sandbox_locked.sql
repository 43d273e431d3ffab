-- Whether a `warehouse query` connection can reach no file and change no setting.
select current_setting('enable_external_access') = false and current_setting('lock_configuration');
